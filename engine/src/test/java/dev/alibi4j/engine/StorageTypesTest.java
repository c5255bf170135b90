package dev.alibi4j.engine;

import static dev.alibi4j.engine.ReferenceComparisonTest.maxAbsDiff;
import static dev.alibi4j.engine.ReferenceComparisonTest.randomIds;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.kernel.Kernel;
import dev.alibi4j.engine.kernel.Kernels;
import dev.alibi4j.engine.kernel.TorchKernel;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.ReferenceHalf;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import dev.alibi4j.engine.reference.TestConfigs;
import dev.alibi4j.engine.tensor.WeightType;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every storage type against the float64 reference run on the very values stored: the float16
 * and bfloat16 roundings, Q8_0's dequantized blocks. Activations and accumulation are float32 in
 * every type, so prefill and decode must match as tightly as float32 weights do: 1e-4 relative to
 * the logits' scale. The one exception is libtorch's float16 matrix-vector product (the fallback
 * kernel's decode step), which rounds its input and output to half; see {@link
 * #halfRoundingTolerance}.
 */
class StorageTypesTest {

  static final double TOLERANCE = ReferenceComparisonTest.TOLERANCE;

  /**
   * Every type on every reference config (widths of 24: Q8_0 keeps those rows float32), and Q8_0
   * on widths that divide into its blocks of 32.
   */
  static Stream<Arguments> cases() {
    Stream<Arguments> all = ReferenceComparisonTest.configs().flatMap(c -> Arrays.stream(WeightType.values())
        .map(t -> Arguments.of(t.cliName() + ", " + c.get()[0], c.get()[1], c.get()[2], t)));
    Stream<Arguments> q8 = Stream.of(
        Arguments.of("q8_0, bloom 4 heads of 8", TestConfigs.bloom(4, 8, false), true, WeightType.Q8_0),
        Arguments.of("q8_0, bloom 6 heads of 16, residual post-LN", TestConfigs.bloom(6, 16, true), true, WeightType.Q8_0),
        Arguments.of("q8_0, mpt 3 heads of 32", TestConfigs.mpt(3, 32, 8, Double.NaN, 1 / Math.sqrt(32), 1), false, WeightType.Q8_0),
        Arguments.of("q8_0, mpt 8 heads of 4, clip_qkv", TestConfigs.mpt(8, 4, 8, 0.8, 0.5, 1), false, WeightType.Q8_0));
    return Stream.concat(all, q8);
  }

  static Kernel[] kernels() {
    return Kernels.vectorAvailable()
        ? new Kernel[] {Kernels.vector(2), TorchKernel.INSTANCE}
        : new Kernel[] {TorchKernel.INSTANCE};
  }

  static double scale(double[][] expected) {
    double scale = 1;
    for (double[] row : expected) {
      for (double v : row) {
        scale = Math.max(scale, Math.abs(v));
      }
    }
    return scale;
  }

  /**
   * libtorch's float16 GEMV rounds its input and output to half, a relative error of at most
   * u = 2^-11 each. Layer norm rescales the residual stream every block, so these errors add up
   * rather than compound, and being independent they add in quadrature: with 2 roundings per
   * product, 4 products per block and the head, the logits move by about {@code sqrt(n) * u}
   * relative to their scale. The tolerance is twice that; a wrong bias, slice or layout moves
   * logits by O(0.1) and fails it.
   */
  static double halfRoundingTolerance(TransformerConfig config, double scale) {
    int roundings = 2 * (4 * config.numLayers() + 1);
    return 2 * Math.sqrt(roundings) * ReferenceHalf.UNIT_ROUNDOFF * scale;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void prefillAndDecodeMatchTheReferenceOnTheStoredValues(
      String name, TransformerConfig config, boolean biases, WeightType type) {
    RandomModel.Pair pair = RandomModel.create(config, 52, biases, type);
    int[] ids = randomIds(19, config.vocabSize(), 17);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    double scale = scale(expected);
    try (dev.alibi4j.engine.weights.ModelWeights owned = pair.weights()) {
      for (Kernel kernel : kernels()) {
        AlibiTransformer model = new AlibiTransformer(config, pair.weights(), kernel);
        boolean halfGemv = kernel == TorchKernel.INSTANCE && type == WeightType.F16;
        double decodeTolerance = halfGemv ? halfRoundingTolerance(config, scale) : TOLERANCE * scale;
        try (InferenceSession s = model.newSession()) {
          float[][] prefill = s.appendAll(Arrays.copyOf(ids, 7));
          for (int t = 0; t < 7; t++) {
            double diff = maxAbsDiff(expected[t], prefill[t]);
            assertTrue(diff <= TOLERANCE * scale, name + ", " + kernel.name() + ": prefill position " + t + " |Δ| = " + diff);
          }
          for (int t = 7; t < ids.length; t++) {
            float[] step = s.append(new int[] {ids[t]});
            double diff = maxAbsDiff(expected[t], step);
            assertTrue(diff <= decodeTolerance,
                name + ", " + kernel.name() + ": decode step " + t + " |Δ| = " + diff + " > " + decodeTolerance);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void greedyTokensAreTheSameOnBothKernels(
      String name, TransformerConfig config, boolean biases, WeightType type) {
    org.junit.jupiter.api.Assumptions.assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
    org.junit.jupiter.api.Assumptions.assumeTrue(type != WeightType.F16, "libtorch rounds float16 products to half");
    RandomModel.Pair pair = RandomModel.create(config, 54, biases, type);
    int[] prompt = randomIds(5, config.vocabSize(), 19);
    try (dev.alibi4j.engine.weights.ModelWeights owned = pair.weights()) {
      int[] vector = greedy(new AlibiTransformer(config, pair.weights(), Kernels.vector(2)), prompt, 24);
      int[] torch = greedy(new AlibiTransformer(config, pair.weights(), TorchKernel.INSTANCE), prompt, 24);
      assertArrayEquals(torch, vector, name);
    }
  }

  static int[] greedy(AlibiTransformer model, int[] prompt, int steps) {
    int[] out = new int[steps];
    try (InferenceSession s = model.newSession()) {
      float[] logits = s.append(prompt);
      for (int i = 0; i < steps; i++) {
        int best = 0;
        for (int v = 1; v < logits.length; v++) {
          if (logits[v] > logits[best]) {
            best = v;
          }
        }
        out[i] = best;
        logits = s.append(new int[] {best});
      }
    }
    return out;
  }
}
