package dev.alibi4j.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alibi4j.engine.kernel.KernelFixtures.Named;
import dev.alibi4j.engine.reference.ReferenceErf;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both GELU forms of every kernel against float64 on [-10, 10], at lengths that end in a scalar
 * tail (not multiples of 8 or 16) and at an offset, touching nothing outside the range.
 *
 * <p>2e-6 absolute: the exact form's erf (Abramowitz–Stegun 7.1.26) is within 1.5e-7, which
 * 0.5·|x| scales to at most 7.5e-7 at |x| = 10, and a float32 result near 10 is within half an
 * ulp, 4.8e-7. A wrong constant or a lost sign is off by far more.
 */
class GeluMatchesReferenceTest {

  static final double TOLERANCE = 2e-6;

  static final int[] LENGTHS = {1, 7, 15, 16, 17, 33, 100, 20001};

  /** BLOOM's {@code bloom_gelu_forward}, with its rounded √(2/π). */
  static double tanhForm(double x) {
    return 0.5 * x * (1 + Math.tanh(0.79788456 * x * (1 + 0.044715 * x * x)));
  }

  static double exactForm(double x) {
    return 0.5 * x * (1 + ReferenceErf.erf(x / Math.sqrt(2)));
  }

  static Stream<Arguments> cases() {
    return KernelFixtures.kernels().stream().flatMap(k -> java.util.Arrays.stream(LENGTHS).mapToObj(n -> Arguments.of(k, n)));
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void tanhFormMatches(Named k, int n) {
    check(k, n, "geluTanh", k.kernel()::geluTanh, GeluMatchesReferenceTest::tanhForm);
  }

  @ParameterizedTest(name = "{0} n={1}")
  @MethodSource("cases")
  void exactFormMatches(Named k, int n) {
    check(k, n, "geluExact", k.kernel()::geluExact, GeluMatchesReferenceTest::exactForm);
  }

  interface InPlace {
    void apply(float[] x, int from, int n);
  }

  static void check(Named k, int n, String what, InPlace gelu, DoubleUnaryOperator reference) {
    int from = 3;
    float[] x = new float[from + n + 2];
    Random rnd = new Random(n);
    for (int i = 0; i < x.length; i++) {
      int j = i - from;
      // long runs sweep [-10, 10] evenly (endpoints included), short ones take random points
      x[i] = n >= 100 ? (float) (-10 + 20.0 * j / (n - 1)) : (float) (rnd.nextDouble() * 20 - 10);
    }
    float[] before = x.clone();
    gelu.apply(x, from, n);
    for (int i = 0; i < x.length; i++) {
      if (i < from || i >= from + n) {
        assertEquals(before[i], x[i], k + " " + what + " changed x[" + i + "] outside the range");
        continue;
      }
      double expected = reference.applyAsDouble(before[i]);
      if (!(Math.abs(x[i] - expected) <= TOLERANCE)) {
        fail(k + " " + what + " n=" + n + ": gelu(" + before[i] + ") = " + x[i] + ", expected " + expected);
      }
    }
  }

  /** The reference erf itself, against published values (A&S table 7.1; erfc from DLMF 7.2). */
  @Test
  void referenceErfMatchesPublishedValues() {
    assertEquals(0.5204998778130465, ReferenceErf.erf(0.5), 1e-15);
    assertEquals(0.8427007929497149, ReferenceErf.erf(1), 1e-15);
    assertEquals(-0.9953222650189527, ReferenceErf.erf(-2), 1e-15);
    assertEquals(0.9995930479825550, ReferenceErf.erf(2.5), 1e-15);
    assertEquals(2.209049699858544e-5, ReferenceErf.erfc(3), 1e-19);
    assertEquals(1.5374597944280349e-12, ReferenceErf.erfc(5), 1e-25);
    assertEquals(ReferenceErf.erf(2.4999999999), ReferenceErf.erf(2.5000000001), 1e-9); // the two forms meet
  }
}
