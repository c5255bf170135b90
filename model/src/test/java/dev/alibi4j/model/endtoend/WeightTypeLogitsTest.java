package dev.alibi4j.model.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import dev.alibi4j.engine.reference.ReferenceWeights;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.HeldValues;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A checkpoint on disk loaded in each {@link WeightType}, against the float64 reference run on
 * the values the loader must hold ({@link HeldValues}: rounded to half or bfloat16, or Q8_0
 * blocks dequantized). Activations and accumulation are float32 in every type, so the whole
 * sequence ({@link AlibiLM#logits}, libtorch) and token-by-token appends (the Java decode path)
 * must both match within 1e-4 of the logits' scale.
 */
class WeightTypeLogitsTest {

  static final double TOLERANCE = 1e-4;

  @TempDir Path dir;

  /**
   * Every type on both families at width 32 (Q8_0 quantizes every matrix), and Q8_0 at width 48,
   * where it keeps the rows of 48 float32. BLOOM is stored F32 and MPT BF16, so each type is
   * mapped from the file for one family and converted for the other.
   */
  static Stream<Arguments> cases() {
    Stream<Arguments> all = Arrays.stream(WeightType.values()).flatMap(type -> Stream.of(
        Arguments.of(Family.BLOOM, SafetensorsDtype.F32, type, 32),
        Arguments.of(Family.MPT, SafetensorsDtype.BF16, type, 32)));
    Stream<Arguments> partial = Stream.of(
        Arguments.of(Family.BLOOM, SafetensorsDtype.BF16, WeightType.Q8_0, 48),
        Arguments.of(Family.MPT, SafetensorsDtype.F16, WeightType.Q8_0, 48));
    return Stream.concat(all, partial);
  }

  @ParameterizedTest(name = "{0} stored {1}, loaded as {2}, width {3}")
  @MethodSource("cases")
  void logitsMatchTheReferenceOnTheHeldValues(Family kind, SafetensorsDtype stored, WeightType type, int hidden) {
    TinyCheckpoints.Spec spec = kind == Family.BLOOM
        ? TinyCheckpoints.bloom()
        : TinyCheckpoints.mpt().untiedLmHead();
    Written written = spec.hidden(hidden).heads(4).dtype(stored).seed(hidden * 31L + type.ordinal()).write(dir);
    int[] ids = new Random(6).ints(17, 0, 32).toArray();
    try (AlibiLM lm = AlibiLM.load(dir, type)) {
      Written held = HeldValues.held(written, stored, type);
      ReferenceWeights ref = lm.checkpoint().family() == Family.BLOOM
          ? ReferenceOfCheckpoint.bloom(held, lm.config())
          : ReferenceOfCheckpoint.mpt(held, lm.config());
      double[][] expected = new ReferenceTransformer(lm.config(), ref).logits(ids);
      double tolerance = TOLERANCE * scale(expected);
      String name = kind + " " + stored + " as " + type;

      float[][] whole = lm.logits(ids);
      for (int t = 0; t < ids.length; t++) {
        assertClose(expected[t], whole[t], tolerance, name + ", logits at " + t);
      }
      try (InferenceSession session = lm.newSession()) {
        for (int t = 0; t < ids.length; t++) {
          float[] step = session.append(new int[] {ids[t]}); // one token: the Java decode step
          assertClose(expected[t], step, tolerance, name + ", decode step " + t);
        }
      }
    }
  }

  /** max(1, max |logit|): the scale the tolerance is relative to. */
  private static double scale(double[][] logits) {
    double scale = 1;
    for (double[] row : logits) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    return scale;
  }

  private static void assertClose(double[] expected, float[] actual, double tolerance, String where) {
    assertEquals(expected.length, actual.length, where);
    double max = 0;
    for (int v = 0; v < actual.length; v++) {
      max = Math.max(max, Math.abs(expected[v] - actual[v]));
    }
    assertTrue(max <= tolerance, where + ": max |Δ| = " + max + " > " + tolerance);
  }
}
