package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Each token's log-probabilities against a float64 log-softmax written from its definition,
 * {@code log(exp(x_i) / Σ_j exp(x_j))}, on the logits the model returned.
 */
class LogprobsTest {

  private static final int VOCAB = 40;

  /** The reference: the definition, term by term, in double (the test logits are small). */
  private static double[] referenceLogSoftmax(float[] logits) {
    double z = 0;
    for (float x : logits) {
      z += Math.exp(x);
    }
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = Math.log(Math.exp(logits[i]) / z);
    }
    return out;
  }

  /** Ids by logit, largest first, lower id first among equals. */
  private static int[] referenceOrder(float[] logits) {
    return IntStream.range(0, logits.length).boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue).toArray();
  }

  /** Random logits per call, with some exact ties; every returned array kept for the checks. */
  private static FakeModel randomModel(long seed, List<float[]> seen) {
    Random random = new Random(seed);
    return new FakeModel(VOCAB, (call, last) -> {
      float[] logits = new float[VOCAB];
      for (int i = 0; i < VOCAB; i++) {
        logits[i] = (float) (random.nextGaussian() * 3);
      }
      logits[7] = logits[3]; // a tie, so the order rule is exercised
      seen.add(logits.clone());
      return logits;
    });
  }

  private static GenerationParams.Builder params(int maxNewTokens, int logprobs) {
    return GenerationParams.builder().maxNewTokens(maxNewTokens).logprobs(logprobs);
  }

  @Test
  void greedyTokensCarryTheLogSoftmaxOfTheRawLogits() {
    List<float[]> seen = new ArrayList<>();
    GenerationResult r = new Generator().generate(randomModel(1, seen), new int[] {1, 2}, params(12, 5).build(), null, null);
    assertEquals(12, r.logprobs().size());
    for (int t = 0; t < 12; t++) {
      float[] logits = seen.get(t);
      double[] expected = referenceLogSoftmax(logits);
      TokenLogprob lp = r.logprobs().get(t);
      assertEquals(r.ids()[t], lp.tokenId());
      assertEquals(expected[lp.tokenId()], lp.logprob(), 1e-9, "token " + t);
      int[] order = referenceOrder(logits);
      assertArrayEquals(java.util.Arrays.copyOf(order, 5), lp.topIds(), "top ids of token " + t);
      for (int i = 0; i < 5; i++) {
        assertEquals(expected[order[i]], lp.topLogprob(i), 1e-9, "top " + i + " of token " + t);
      }
      assertEquals(lp.topId(0), lp.tokenId(), "greedy picks the most likely token");
    }
  }

  @Test
  void sampledTokensGetTheirRawLogprobEvenOutsideTheTopList() {
    List<float[]> seen = new ArrayList<>();
    // Temperature 3 and top-k 30 change what is sampled, not the reported distribution.
    GenerationParams p = params(60, 1).temperature(3).topK(30).repetitionPenalty(1.3).seed(9).build();
    GenerationResult r = new Generator().generate(randomModel(2, seen), new int[] {1}, p, null, null);
    boolean outsideTop = false;
    for (int t = 0; t < r.generatedTokens(); t++) {
      TokenLogprob lp = r.logprobs().get(t);
      assertEquals(referenceLogSoftmax(seen.get(t))[lp.tokenId()], lp.logprob(), 1e-9, "token " + t);
      assertEquals(1, lp.topCount());
      outsideTop |= lp.topId(0) != lp.tokenId();
    }
    assertTrue(outsideTop, "at temperature 3 some sampled token should not be the most likely one");
  }

  @Test
  void askingForLogprobsDoesNotChangeTheTokens() {
    GenerationParams.Builder sampled = GenerationParams.builder().maxNewTokens(40).temperature(1.5).seed(4);
    GenerationResult without = new Generator().generate(randomModel(3, new ArrayList<>()), new int[] {5}, sampled.build(), null, null);
    GenerationResult with = new Generator().generate(randomModel(3, new ArrayList<>()), new int[] {5}, sampled.logprobs(3).build(), null, null);
    assertArrayEquals(without.ids(), with.ids());
    assertTrue(without.logprobs().isEmpty());
    assertEquals(with.generatedTokens(), with.logprobs().size());
  }

  @Test
  void zeroAlternativesAndAWholeVocabularyOfThem() {
    List<float[]> seen = new ArrayList<>();
    GenerationResult none = new Generator().generate(randomModel(5, seen), new int[] {1}, params(3, 0).build(), null, null);
    assertEquals(0, none.logprobs().get(0).topCount());
    FakeModel small = FakeModel.keyedByLast(3, java.util.Map.of(), new float[] {1, 2, 2});
    TokenLogprob all = new Generator().generate(small, new int[] {0}, params(1, 10).build(), null, null).logprobs().get(0);
    assertArrayEquals(new int[] {1, 2, 0}, all.topIds(), "capped at the vocabulary; the tie in id order");
    double[] expected = referenceLogSoftmax(new float[] {1, 2, 2});
    assertArrayEquals(new double[] {expected[1], expected[2], expected[0]}, all.topLogprobs(), 1e-12);
  }

  @Test
  void theListenerGetsTheSameLogprobsAndNullForTheFlush() {
    List<TokenLogprob> heard = new ArrayList<>();
    List<Integer> ids = new ArrayList<>();
    TokenListener listener = new TokenListener() {
      @Override
      public void onToken(int tokenId, String text) {
        throw new AssertionError("the three-argument call is the one made");
      }

      @Override
      public void onToken(int tokenId, String text, TokenLogprob logprob) {
        ids.add(tokenId);
        heard.add(logprob);
      }
    };
    GenerationResult r = new Generator().generate(randomModel(6, new ArrayList<>()), new int[] {1}, params(4, 2).build(),
        new FakeDecoder("tail", IntStream.range(0, VOCAB).mapToObj(i -> "t" + i).toArray(String[]::new)), listener);
    assertEquals(r.generatedTokens() + 1, ids.size(), "one call per token, then the tail's");
    for (int t = 0; t < r.generatedTokens(); t++) {
      assertSame(r.logprobs().get(t), heard.get(t));
    }
    assertEquals(TokenListener.NO_TOKEN, ids.get(ids.size() - 1));
    assertNull(heard.get(heard.size() - 1));
  }

  @Test
  void withoutLogprobsTheListenerGetsNull() {
    List<TokenLogprob> heard = new ArrayList<>();
    TokenListener listener = new TokenListener() {
      @Override
      public void onToken(int tokenId, String text) {}

      @Override
      public void onToken(int tokenId, String text, TokenLogprob logprob) {
        heard.add(logprob);
      }
    };
    new Generator().generate(randomModel(7, new ArrayList<>()), new int[] {1}, GenerationParams.builder().maxNewTokens(3).build(), null, listener);
    assertEquals(3, heard.size());
    heard.forEach(lp -> assertNull(lp));
  }

  @Test
  void theTwoArgumentListenerStillHearsEveryToken() {
    RecordingListener listener = new RecordingListener();
    GenerationResult r = new Generator().generate(randomModel(8, new ArrayList<>()), new int[] {1}, params(5, 1).build(), null, listener);
    assertEquals(java.util.Arrays.stream(r.ids()).boxed().toList(), listener.ids);
  }

  @Test
  void outOfRangeRequestsAreRefusedByName() {
    IllegalArgumentException low = assertThrows(IllegalArgumentException.class, () -> params(1, -2).build());
    assertTrue(low.getMessage().contains("logprobs"), low.getMessage());
    IllegalArgumentException high = assertThrows(IllegalArgumentException.class,
        () -> params(1, GenerationParams.MAX_TOP_LOGPROBS + 1).build());
    assertTrue(high.getMessage().contains("logprobs"), high.getMessage());
  }
}
