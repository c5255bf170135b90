package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** NaN logits and the model's maximum context: clear errors, never a quiet wrong answer. */
class GeneratorLimitsTest {

  private final Generator generator = new Generator();

  private static void assertMentions(Exception e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
    }
  }

  /** Logits whose token 0 (the end-of-sequence id below) is NaN from append number {@code from}. */
  private static FakeModel nanFrom(int from) {
    return new FakeModel(4, (call, last) -> {
      float[] logits = {0, 0, 5, 1};
      if (call >= from) {
        logits[0] = Float.NaN;
        logits[3] = Float.NaN;
      }
      return logits;
    });
  }

  @Test
  void nanLogitsAfterThePromptAreAnErrorNotAnEndOfSequence() {
    FakeModel model = nanFrom(0);
    GenerationParams params = GenerationParams.builder().maxNewTokens(5).eosTokenId(0).build();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> generator.generate(model, new int[] {1, 2}, params, null, null));
    assertMentions(e, "NaN", "step 0", "2 of 4", "token id 0");
    assertEquals(1, model.closed, "the session is closed");
  }

  @Test
  void nanLogitsLaterNameTheStepWhateverTheSampler() {
    for (double temperature : new double[] {0, 0.7}) {
      FakeModel model = nanFrom(3);
      GenerationParams params = GenerationParams.builder().maxNewTokens(10).temperature(temperature).seed(1).build();
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> generator.generate(model, new int[] {1}, params, null, null));
      assertMentions(e, "NaN", "step 3", "after generated token 3");
    }
  }

  @Test
  void samplersRefuseNaNInsteadOfPickingToken0() {
    float[] logits = {Float.NaN, 1, 2};
    assertMentions(assertThrows(IllegalArgumentException.class, () -> Sampler.greedy().sample(logits)), "NaN", "0");
    assertMentions(assertThrows(IllegalArgumentException.class, () -> new RandomSampler(1).sample(logits)), "NaN", "0");
    assertEquals(2, Sampler.greedy().sample(new float[] {0, 1, 2}));
  }

  @Test
  void promptPlusNewTokensPastTheMaximumContextIsRefusedBeforeAnyWork() {
    FakeModel model = FakeModel.flat(4);
    model.maxContext = 10;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(model, new int[] {1, 2, 3, 1, 2}, GenerationParams.builder().maxNewTokens(6).build(), null, null));
    assertMentions(e, "5 tokens", "6 new tokens", "11", "maximum context of 10");
    assertEquals(0, model.opened, "no session before the check");

    GenerationResult r = generator.generate(model, new int[] {1, 2, 3, 1, 2}, GenerationParams.builder().maxNewTokens(5).build(), null, null);
    assertEquals(5, r.generatedTokens(), "exactly the limit is accepted");
  }
}
