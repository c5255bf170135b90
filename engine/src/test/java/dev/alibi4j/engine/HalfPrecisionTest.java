package dev.alibi4j.engine;

import static dev.alibi4j.engine.ReferenceComparisonTest.maxAbsDiff;
import static dev.alibi4j.engine.ReferenceComparisonTest.randomIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.nn.Linear;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.ReferenceHalf;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Float16 weights against the float64 reference run on the same half-rounded weights.
 *
 * <p>A prefill widens the weights to float32 exactly, so it must match as tightly as float32
 * weights do (1e-4). A decode step runs each matrix-vector product in float16: its input and
 * output are rounded to half, a relative error of at most u = 2^-11 each. Layer norm rescales
 * the residual stream every block, so these errors add up rather than compound, and being
 * independent they add in quadrature (the usual statistical model of rounding error): with n = 2
 * roundings per product, 4 products per block and the head, the logits move by about
 * {@code sqrt(n) * u} relative to their scale. The tolerance is twice that (measured errors are
 * 0.3 to 0.45 of it); a wrong bias, slice or layout moves logits by O(0.1) and fails it.
 */
class HalfPrecisionTest {

  static Stream<org.junit.jupiter.params.provider.Arguments> configs() {
    return ReferenceComparisonTest.configs();
  }

  static double decodeTolerance(TransformerConfig config, double[][] expected) {
    double scale = 0;
    for (double[] row : expected) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    int roundings = 2 * (4 * config.numLayers() + 1);
    return 2 * Math.sqrt(roundings) * ReferenceHalf.UNIT_ROUNDOFF * Math.max(scale, 1.0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void prefillWithHalfWeightsMatchesReferenceAsTightlyAsFloat32(
      String name, TransformerConfig config, boolean biases) {
    RandomModel.Pair pair = RandomModel.create(config, 52, biases, DataType.FLOAT16);
    int[] ids = randomIds(21, config.vocabSize(), 17);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        InferenceSession s = model.newSession()) {
      float[][] actual = s.appendAll(ids);
      for (int t = 0; t < ids.length; t++) {
        double diff = maxAbsDiff(expected[t], actual[t]);
        assertTrue(diff <= ReferenceComparisonTest.TOLERANCE, name + ": position " + t + " |Δ| = " + diff);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void halfDecodeStepsStayWithinHalfRoundingOfReference(
      String name, TransformerConfig config, boolean biases) {
    RandomModel.Pair pair = RandomModel.create(config, 53, biases, DataType.FLOAT16);
    int[] ids = randomIds(19, config.vocabSize(), 18);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    double tolerance = decodeTolerance(config, expected);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        InferenceSession s = model.newSession()) {
      s.append(Arrays.copyOf(ids, 5));
      for (int t = 5; t < ids.length; t++) {
        float[] step = s.append(new int[] {ids[t]});
        double diff = maxAbsDiff(expected[t], step);
        assertTrue(diff <= tolerance, name + ": step " + t + " |Δ| = " + diff + " > " + tolerance);
      }
    }
  }
}
