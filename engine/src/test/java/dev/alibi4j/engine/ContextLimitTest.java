package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.TestConfigs;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.ModelWeights;
import org.junit.jupiter.api.Test;

/** The maximum context: its default rule and its checks. */
class ContextLimitTest {

  private static final long GIB = 1L << 30;

  /** bigscience/bloom-560m's shape: 24 layers, width 1024, 16 heads. */
  private static final TransformerConfig BLOOM_560M =
      TestConfigs.bloom(16, 64, false).toBuilder().vocabSize(250_880).numLayers(24).build();

  @Test
  void aPositionCostsItsKeysAndValuesTwiceAndItsShareOfAPrefillChunk() {
    long kv = 2L * 24 * 1024 * 4; // keys and values, float32, every layer
    long scores = 3L * 16 * 256 * 4; // mask, scores, probabilities of a 256-query chunk
    assertEquals(2 * kv + scores, ContextLimit.bytesPerPosition(BLOOM_560M));
    assertEquals(442_368, ContextLimit.bytesPerPosition(BLOOM_560M));
  }

  @Test
  void theDefaultIsHalfTheMemoryBesideTheWeightsBetweenFloorAndCap() {
    long perPosition = ContextLimit.bytesPerPosition(BLOOM_560M);
    long weights = 2_240_000_000L;
    assertEquals(1000, ContextLimit.defaultFor(BLOOM_560M, weights, weights + 2 * perPosition * 1000 + 1));
    assertEquals(26_595, ContextLimit.defaultFor(BLOOM_560M, weights, 24 * GIB)); // the README's example
    assertEquals(ContextLimit.FLOOR, ContextLimit.defaultFor(BLOOM_560M, weights, GIB), "weights beyond the memory");
    assertEquals(ContextLimit.CAP, ContextLimit.defaultFor(BLOOM_560M, weights, 1024 * GIB));
  }

  @Test
  void checkNamesTheLengthAndTheLimit() {
    ContextLimit.check("a prompt", 12, 12);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ContextLimit.check("a prompt", 13, 12));
    assertEquals(true, e.getMessage().startsWith("a prompt = 13 tokens exceeds the maximum context of 12 tokens"), e.getMessage());
  }

  @Test
  void aModelStartsAtTheDefaultAndItsSessionsStopAtTheLimit() {
    TransformerConfig config = TestConfigs.mpt(2, 4, 8, Double.NaN, 0.5, 1);
    ModelWeights weights = RandomModel.create(config, 3, false).weights();
    long weightBytes = weights.matrices().stream().mapToLong(WeightMatrix::byteSize).sum();
    try (AlibiTransformer model = new AlibiTransformer(config, weights)) {
      assertEquals(ContextLimit.defaultFor(config, weightBytes, ContextLimit.physicalMemory()), model.maxContext());
      assertThrows(IllegalArgumentException.class, () -> model.setMaxContext(0));
      model.setMaxContext(12);
      try (InferenceSession session = model.newSession()) {
        session.append(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> session.appendAll(new int[] {1, 2, 3}));
        assertTrue(e.getMessage().contains("10 tokens + 3 new = 13 tokens exceeds the maximum context of 12"), e.getMessage());
        assertEquals(10, session.length(), "a refused append changes nothing");
        session.append(new int[] {1});
        session.append(new int[] {2});
        assertThrows(IllegalArgumentException.class, () -> session.append(new int[] {3}), "the decode path is limited too");
        assertEquals(12, session.length());
      }
    }
  }
}
