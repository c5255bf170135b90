package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import dev.alibi4j.engine.reference.TestConfigs;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Engine logits against the float64 reference: max |Δ| ≤ 1e-4 at every position. */
class ReferenceComparisonTest {

  static final double TOLERANCE = 1e-4;

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("bloom 3 heads", TestConfigs.bloom(3, 8, false), true),
        Arguments.of("bloom 4 heads", TestConfigs.bloom(4, 6, false), true),
        Arguments.of("bloom 6 heads, residual post-LN", TestConfigs.bloom(6, 4, true), true),
        Arguments.of("mpt 3 heads", TestConfigs.mpt(3, 8, 8, Double.NaN, 1 / Math.sqrt(8), 1), false),
        Arguments.of("mpt 6 heads, clip_qkv", TestConfigs.mpt(6, 4, 8, 0.8, 0.5, 1), false),
        Arguments.of("mpt 8 heads, bias max 16, logit scale", TestConfigs.mpt(8, 4, 16, Double.NaN, 0.3, 0.25), false),
        Arguments.of("falcon 4 heads", TestConfigs.falcon(4, 8), true),
        Arguments.of("falcon 6 heads", TestConfigs.falcon(6, 4), true),
        Arguments.of("falcon 12 heads", TestConfigs.falcon(12, 2), true));
  }

  static int[] randomIds(int n, int vocab, long seed) {
    Random r = new Random(seed);
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = r.nextInt(vocab);
    }
    return ids;
  }

  static double maxAbsDiff(double[] expected, float[] actual) {
    assertEquals(expected.length, actual.length, "vocab size");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      max = Math.max(max, Math.abs(expected[i] - actual[i]));
    }
    return max;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void logitsMatchFloat64Reference(String name, TransformerConfig config, boolean biases) {
    RandomModel.Pair pair = RandomModel.create(config, 42, biases);
    int[] ids = randomIds(23, config.vocabSize(), 7);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        InferenceSession session = model.newSession()) {
      float[][] actual = session.appendAll(ids);
      assertEquals(ids.length, actual.length);
      double spread = 0;
      for (int t = 0; t < ids.length; t++) {
        double diff = maxAbsDiff(expected[t], actual[t]);
        assertTrue(diff <= TOLERANCE, name + ": position " + t + " max |Δ| = " + diff);
        for (double v : expected[t]) {
          spread = Math.max(spread, Math.abs(v));
        }
      }
      // Guard against a degenerate model whose logits are all ~0 (the comparison would be vacuous).
      assertTrue(spread > 0.5, "logit magnitude " + spread);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void prefillThenDecodeEqualsFullRecompute(String name, TransformerConfig config, boolean biases) {
    RandomModel.Pair pair = RandomModel.create(config, 43, biases);
    int[] ids = randomIds(19, config.vocabSize(), 8);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights())) {
      float[][] full;
      try (InferenceSession s = model.newSession()) {
        full = s.appendAll(ids);
      }
      try (InferenceSession s = model.newSession()) {
        int prefill = 7;
        float[] last = s.append(java.util.Arrays.copyOf(ids, prefill));
        assertTrue(maxAbsDiff(toDouble(full[prefill - 1]), last) <= 5e-5, name + ": prefill");
        for (int t = prefill; t < ids.length; t++) {
          float[] step = s.append(new int[] {ids[t]});
          double vsFull = maxAbsDiff(toDouble(full[t]), step);
          double vsRef = maxAbsDiff(expected[t], step);
          assertTrue(vsFull <= 5e-5, name + ": cached step " + t + " vs recompute |Δ| = " + vsFull);
          assertTrue(vsRef <= TOLERANCE, name + ": cached step " + t + " vs reference |Δ| = " + vsRef);
        }
        assertEquals(ids.length, s.length());
      }
    }
  }

  @org.junit.jupiter.api.Test
  void longSequenceAcrossMaskAndCacheGrowthMatchesReference() {
    TransformerConfig config = TestConfigs.bloom(3, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 44, true);
    int[] ids = randomIds(300, config.vocabSize(), 9);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        InferenceSession s = model.newSession()) {
      s.append(java.util.Arrays.copyOf(ids, 250)); // mask capacity starts at 256, cache at 64
      for (int t = 250; t < ids.length; t++) {
        float[] step = s.append(new int[] {ids[t]});
        double diff = maxAbsDiff(expected[t], step);
        assertTrue(diff <= TOLERANCE, "position " + t + " |Δ| = " + diff);
      }
    }
  }

  @org.junit.jupiter.api.Test
  void promptLongerThanOneChunkIsPrefilledInChunksWithTheSameLogits() {
    TransformerConfig config = TestConfigs.mpt(3, 8, 8, Double.NaN, 1 / Math.sqrt(8), 1);
    RandomModel.Pair pair = RandomModel.create(config, 46, false);
    int n = 2 * AlibiSession.PREFILL_CHUNK + 37; // two full chunks and a partial one
    int[] ids = randomIds(n, config.vocabSize(), 12);
    double[][] expected = new ReferenceTransformer(config, pair.reference()).logits(ids);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights())) {
      try (InferenceSession s = model.newSession()) {
        float[][] all = s.appendAll(ids);
        assertEquals(n, all.length);
        for (int t = 0; t < n; t++) {
          double diff = maxAbsDiff(expected[t], all[t]);
          assertTrue(diff <= TOLERANCE, "position " + t + " |Δ| = " + diff);
        }
        assertEquals(n, s.length());
      }
      try (InferenceSession s = model.newSession()) {
        float[] last = s.append(ids);
        assertTrue(maxAbsDiff(expected[n - 1], last) <= TOLERANCE, "last position");
        assertEquals(n, s.length());
        float[] next = s.append(new int[] {ids[0]});
        assertEquals(config.vocabSize(), next.length);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void batchedFullForwardWithoutCacheMatchesReference(String name, TransformerConfig config, boolean biases) {
    RandomModel.Pair pair = RandomModel.create(config, 45, biases);
    int[] a = randomIds(11, config.vocabSize(), 10);
    int[] b = randomIds(11, config.vocabSize(), 11);
    ReferenceTransformer ref = new ReferenceTransformer(config, pair.reference());
    double[][][] expected = {ref.logits(a), ref.logits(b)};
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
      long[] flat = new long[22];
      for (int t = 0; t < 11; t++) {
        flat[t] = a[t];
        flat[11 + t] = b[t];
      }
      float[] logits = model.forwardFull(m.create(flat).reshape(2, 11)).toFloatArray(); // [2, 11, vocab]
      int vocab = config.vocabSize();
      for (int s = 0; s < 2; s++) {
        for (int t = 0; t < 11; t++) {
          float[] row = java.util.Arrays.copyOfRange(logits, (s * 11 + t) * vocab, (s * 11 + t + 1) * vocab);
          double diff = maxAbsDiff(expected[s][t], row);
          assertTrue(diff <= TOLERANCE, name + ": sequence " + s + " position " + t + " |Δ| = " + diff);
        }
      }
    }
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
