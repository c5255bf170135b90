package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.BaseNDManager;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.TestConfigs;
import org.junit.jupiter.api.Test;

/** Every decode step frees what it allocates: only the KV cache persists between steps. */
class SessionMemoryTest {

  @Test
  void longDecodeDoesNotAccumulateNativeArrays() {
    TransformerConfig config = TestConfigs.bloom(4, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 1, true);
    BaseNDManager manager = (BaseNDManager) pair.weights().manager();
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        InferenceSession session = model.newSession()) {
      session.append(new int[] {1, 2, 3});
      for (int i = 0; i < 70; i++) { // past the first cache growth (64 positions)
        session.append(new int[] {i % config.vocabSize()});
      }
      int afterWarmup = manager.getManagedArrays().size();
      for (int i = 0; i < 300; i++) { // past more growths, to 373 positions
        session.append(new int[] {(7 * i) % config.vocabSize()});
      }
      assertEquals(afterWarmup, manager.getManagedArrays().size(), "arrays alive after 300 more steps");
      assertEquals(373, session.length());
    }
  }

  @Test
  void closedSessionIsRefusedAndIdsAreChecked() {
    TransformerConfig config = TestConfigs.mpt(2, 4, 8, Double.NaN, 0.5, 1);
    RandomModel.Pair pair = RandomModel.create(config, 2, false);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights())) {
      InferenceSession session = model.newSession();
      var e = assertThrows(IllegalArgumentException.class, () -> session.append(new int[] {config.vocabSize()}));
      assertEquals(true, e.getMessage().contains("outside the vocabulary"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> session.append(new int[0]));
      session.close();
      assertThrows(IllegalStateException.class, () -> session.append(new int[] {1}));
    }
  }
}
