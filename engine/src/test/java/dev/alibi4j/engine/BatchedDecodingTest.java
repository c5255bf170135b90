package dev.alibi4j.engine;

import static dev.alibi4j.engine.ReferenceComparisonTest.maxAbsDiff;
import static dev.alibi4j.engine.ReferenceComparisonTest.randomIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alibi4j.engine.kernel.Kernel;
import dev.alibi4j.engine.kernel.Kernels;
import dev.alibi4j.engine.kernel.TorchKernel;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import dev.alibi4j.engine.reference.TestConfigs;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.weights.ModelWeights;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link AlibiTransformer#decodeBatch}: sequences of different lengths decoded in one pass, each
 * with its own cache, positions and mask row, must get the logits they get alone, to the last bit,
 * whatever joins or leaves the batch.
 */
class BatchedDecodingTest {

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (WeightType type : WeightType.values()) {
      if (type == WeightType.Q8_0) { // blocks of 32: widths that divide
        all.add(Arguments.of("q8_0, bloom 4 heads of 8", TestConfigs.bloom(4, 8, false), type));
        all.add(Arguments.of("q8_0, mpt 3 heads of 32", TestConfigs.mpt(3, 32, 8, Double.NaN, 1 / Math.sqrt(32), 1), type));
        continue;
      }
      all.add(Arguments.of(type.cliName() + ", bloom 5 heads of 8", TestConfigs.bloom(5, 8, false), type));
      all.add(Arguments.of(type.cliName() + ", bloom 6 heads of 4, residual post-LN", TestConfigs.bloom(6, 4, true), type));
      all.add(Arguments.of(type.cliName() + ", mpt 7 heads of 8, clip_qkv", TestConfigs.mpt(7, 8, 8, 0.8, 1 / Math.sqrt(8), 1), type));
      all.add(Arguments.of(type.cliName() + ", falcon 3 heads of 16", TestConfigs.falcon(3, 16), type));
    }
    return all.stream();
  }

  static Kernel[] kernels() {
    return Kernels.vectorAvailable()
        ? new Kernel[] {Kernels.vector(2), TorchKernel.INSTANCE}
        : new Kernel[] {TorchKernel.INSTANCE};
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void everySequenceGetsItsAloneLogitsWhileOthersJoinAndLeave(String name, TransformerConfig config, WeightType type) {
    RandomModel.Pair pair = RandomModel.create(config, 61, true, type);
    int[] promptLengths = {1, 9, 70, 3, 140};
    int[] joinAt = {0, 0, 2, 5, 7}; // step at which each sequence joins
    int[] leaveAt = {30, 12, 25, 30, 20}; // step at which it leaves
    try (ModelWeights owned = pair.weights()) {
      for (Kernel kernel : kernels()) {
        AlibiTransformer model = new AlibiTransformer(config, pair.weights(), kernel);
        int n = promptLengths.length;
        InferenceSession[] batched = new InferenceSession[n];
        InferenceSession[] alone = new InferenceSession[n];
        int[][] next = new int[n][1];
        for (int s = 0; s < n; s++) {
          batched[s] = model.newSession();
          alone[s] = model.newSession();
        }
        try {
          for (int step = 0; step < 30; step++) {
            List<Integer> rows = new ArrayList<>();
            for (int s = 0; s < n; s++) {
              if (step == joinAt[s]) {
                int[] prompt = randomIds(promptLengths[s], config.vocabSize(), 100 + s);
                float[] a = alone[s].append(prompt);
                float[] b = batched[s].append(prompt);
                assertBitEqual(a, b, name + ", " + kernel.name() + ", prefill of sequence " + s);
                next[s][0] = argmax(a);
              } else if (step > joinAt[s] && step < leaveAt[s]) {
                rows.add(s);
              }
            }
            if (rows.isEmpty()) {
              continue;
            }
            InferenceSession[] sessions = rows.stream().map(s -> batched[s]).toArray(InferenceSession[]::new);
            int[] ids = rows.stream().mapToInt(s -> next[s][0]).toArray();
            float[] logits = new float[rows.size() * config.vocabSize()];
            model.decodeBatch(sessions, ids, logits);
            for (int i = 0; i < rows.size(); i++) {
              int s = rows.get(i);
              float[] expected = alone[s].append(new int[] {next[s][0]});
              float[] got = Arrays.copyOfRange(logits, i * config.vocabSize(), (i + 1) * config.vocabSize());
              assertBitEqual(expected, got, name + ", " + kernel.name() + ", step " + step + ", sequence " + s
                  + " (" + batched[s].length() + " positions) in a batch of " + rows.size());
              next[s][0] = argmax(got);
            }
          }
        } finally {
          for (int s = 0; s < n; s++) {
            batched[s].close();
            alone[s].close();
          }
        }
      }
    }
  }

  @Test
  void batchedLogitsMatchTheFloat64ReferenceForEveryRow() {
    TransformerConfig config = TestConfigs.bloom(5, 8, false);
    RandomModel.Pair pair = RandomModel.create(config, 62, true);
    ReferenceTransformer reference = new ReferenceTransformer(config, pair.reference());
    int[][] sequences = {randomIds(12, config.vocabSize(), 1), randomIds(5, config.vocabSize(), 2),
        randomIds(30, config.vocabSize(), 3)};
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights())) {
      InferenceSession[] sessions = new InferenceSession[sequences.length];
      int[] ids = new int[sequences.length];
      for (int s = 0; s < sequences.length; s++) {
        int[] seq = sequences[s];
        sessions[s] = model.newSession();
        sessions[s].append(Arrays.copyOf(seq, seq.length - 1));
        ids[s] = seq[seq.length - 1];
      }
      float[] logits = new float[sequences.length * config.vocabSize()];
      model.decodeBatch(sessions, ids, logits);
      for (int s = 0; s < sequences.length; s++) {
        double[][] expected = reference.logits(sequences[s]);
        float[] row = Arrays.copyOfRange(logits, s * config.vocabSize(), (s + 1) * config.vocabSize());
        double diff = maxAbsDiff(expected[expected.length - 1], row);
        assertTrue(diff <= ReferenceComparisonTest.TOLERANCE, "sequence " + s + ": |Δ| = " + diff);
        sessions[s].close();
      }
    }
  }

  @Test
  void moreSequencesThanTheKernelTakesAreDecodedInGroups() {
    TransformerConfig config = TestConfigs.mpt(2, 8, 8, Double.NaN, 0.25, 1);
    RandomModel.Pair pair = RandomModel.create(config, 63, false);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights())) {
      int n = Kernel.MAX_ROWS + 3;
      InferenceSession[] sessions = new InferenceSession[n];
      int[] ids = new int[n];
      float[][] alone = new float[n][];
      for (int s = 0; s < n; s++) {
        int[] prompt = randomIds(1 + s % 5, config.vocabSize(), s);
        sessions[s] = model.newSession();
        sessions[s].append(prompt);
        ids[s] = s % config.vocabSize();
        try (InferenceSession twin = model.newSession()) {
          twin.append(prompt);
          alone[s] = twin.append(new int[] {ids[s]});
        }
      }
      float[] logits = new float[n * config.vocabSize()];
      model.decodeBatch(sessions, ids, logits);
      for (int s = 0; s < n; s++) {
        assertBitEqual(alone[s], Arrays.copyOfRange(logits, s * config.vocabSize(), (s + 1) * config.vocabSize()),
            "sequence " + s + " of " + n);
        sessions[s].close();
      }
    }
  }

  @Test
  void badBatchesAreRefusedBeforeAnyWork() {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 64, true);
    RandomModel.Pair other = RandomModel.create(config, 65, true);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        AlibiTransformer otherModel = new AlibiTransformer(config, other.weights());
        InferenceSession a = model.newSession();
        InferenceSession foreign = otherModel.newSession()) {
      a.append(new int[] {1});
      float[] logits = new float[2 * config.vocabSize()];
      var twice = assertThrows(IllegalArgumentException.class,
          () -> model.decodeBatch(new InferenceSession[] {a, a}, new int[] {1, 2}, logits));
      assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
      var wrongModel = assertThrows(IllegalArgumentException.class,
          () -> model.decodeBatch(new InferenceSession[] {a, foreign}, new int[] {1, 2}, logits));
      assertTrue(wrongModel.getMessage().contains("does not belong"), wrongModel.getMessage());
      var badId = assertThrows(IllegalArgumentException.class,
          () -> model.decodeBatch(new InferenceSession[] {a}, new int[] {config.vocabSize()}, logits));
      assertTrue(badId.getMessage().contains("outside the vocabulary"), badId.getMessage());
      assertEquals(1, a.length(), "nothing was appended");
    }
  }

  static int argmax(float[] logits) {
    int best = 0;
    for (int v = 1; v < logits.length; v++) {
      if (logits[v] > logits[best]) {
        best = v;
      }
    }
    return best;
  }

  static void assertBitEqual(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        fail(what + ": logit " + i + " is " + actual[i] + ", alone " + expected[i]);
      }
    }
  }
}
