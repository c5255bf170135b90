package dev.alibi4j.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alibi4j.engine.kernel.KernelFixtures.Named;
import dev.alibi4j.engine.kernel.KernelFixtures.Stored;
import dev.alibi4j.engine.tensor.WeightType;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kernel and storage type against a float64 product of the exact stored weights, at sizes
 * that leave scalar tails (7, 24, 33 and 4100 columns are not multiples of 16 or 32), an odd
 * number of Q8_0 blocks (96 = 3 blocks), 257 outputs split over threads, and 1, 2, 5 and 32
 * activation rows.
 */
class MultiplyMatchesReferenceTest {

  /** float32's unit roundoff. */
  static final double U = 0x1p-24;

  /** float16's unit roundoff. */
  static final double HALF_U = 0x1p-11;

  static final int[] ACTIVATION_ROWS = {1, 2, 5, 32};

  /** {outputs, columns}; kept small so the emulated 512-bit run stays quick on AVX2 machines. */
  static final int[][] FLOAT_SHAPES = {{257, 7}, {257, 24}, {257, 33}, {257, 96}, {1, 96}, {3, 4100}, {1, 4160}, {2, 4160}};

  static final int[][] Q8_SHAPES = {{257, 32}, {257, 96}, {1, 96}, {3, 4160}, {1, 4160}, {2, 64}};

  static Stream<Arguments> cases() {
    return KernelFixtures.kernels().stream().flatMap(k -> Arrays.stream(WeightType.values()).flatMap(t ->
        Arrays.stream(t == WeightType.Q8_0 ? Q8_SHAPES : FLOAT_SHAPES).map(s -> Arguments.of(k, t, s[0], s[1]))));
  }

  @ParameterizedTest(name = "{0} {1} {2}x{3}")
  @MethodSource("cases")
  void productMatchesFloat64ReferenceOnTheStoredValues(Named k, WeightType type, int out, int cols) {
    Stored w = KernelFixtures.random(type, out, cols, 31L * out + cols + type.ordinal());
    for (int rows : ACTIVATION_ROWS) {
      float[] x = KernelFixtures.gaussian(rows * cols + 8, rows);
      Arrays.fill(x, rows * cols, x.length, 1e30f); // past the input: a kernel reading it fails
      float[] y = new float[rows * out + 3];
      Arrays.fill(y, Float.NaN); // an output never written stays NaN
      k.kernel().multiply(w.matrix(), x, y, rows);
      double[][] reference = KernelFixtures.reference(w, x, rows);
      for (int j = 0; j < rows * out; j++) {
        double exact = reference[0][j];
        double tol = tolerance(k.kernel(), type, rows, cols, reference[1][j], exact);
        if (!(Math.abs(y[j] - exact) <= tol)) {
          fail(k + " " + type + " " + out + "x" + cols + ", " + rows + " rows: y[" + j / out + "][" + j % out + "] = "
              + y[j] + ", expected " + exact + " ± " + tol);
        }
      }
      for (int i = rows * out; i < y.length; i++) {
        assertTrue(Float.isNaN(y[i]), k + " " + type + ": wrote past the output at " + i);
      }
    }
  }

  /**
   * A float32 sum whose longest chain of roundings is {@code c} is off by at most about
   * {@code c·u·Σ|w·x|} (Higham, Accuracy and Stability, §4.2). The vector kernel's chains are at
   * most cols/16 fused multiply-adds per lane, a lane reduction (≤ 15 adds) and a scalar tail
   * (≤ 31 products and adds, 62 roundings): below cols/16 + 80. We allow twice that,
   * (cols/8 + 160)·u·Σ|w·x|, for every kernel, libtorch's blocked SIMD sums included: 4.1e-5·Σ|w·x|
   * at 4160 columns, 9.6e-6 at 7 (measured errors stay under 3% of it). A dropped or misplaced
   * column, a wrong scale or a swapped pair changes a result by about Σ|w·x|/cols or more.
   *
   * <p>libtorch's float16 product (one row at a time, so that a row's result does not depend on
   * the others) rounds its input to half (≤ 2^-11·Σ|w·x|) and its result to half (≤ 2^-11·|y|):
   * that case alone gets those two terms on top.
   */
  static double tolerance(Kernel kernel, WeightType type, int rows, int cols, double magnitude, double exact) {
    double f32 = (cols / 8.0 + 160) * U * magnitude;
    if (kernel == TorchKernel.INSTANCE && type == WeightType.F16) {
      return HALF_U * (magnitude + Math.abs(exact)) * 1.001 + f32;
    }
    return f32;
  }
}
