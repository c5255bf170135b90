package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Deterministic checks of each processor and of the greedy sampler. */
class LogitsProcessorTest {

  private static final float NEG_INF = Float.NEGATIVE_INFINITY;

  static TokenHistory history(int... ids) {
    TokenHistory h = new TokenHistory();
    h.addAll(ids);
    return h;
  }

  static float[] logOf(double... probs) {
    float[] logits = new float[probs.length];
    for (int i = 0; i < probs.length; i++) {
      logits[i] = (float) Math.log(probs[i]);
    }
    return logits;
  }

  static Set<Integer> kept(float[] logits) {
    Set<Integer> kept = new TreeSet<>();
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] != NEG_INF) {
        kept.add(i);
      }
    }
    return kept;
  }

  // ---- greedy

  @Test
  void greedyIsArgmaxWithLowestIdOnTies() {
    Sampler g = Sampler.greedy();
    assertEquals(1, g.sample(new float[] {1, 3, 3, 2}));
    assertEquals(0, g.sample(new float[] {5, 5, 5}));
    assertEquals(3, g.sample(new float[] {-4, -3, -2, -1}));
    assertEquals(1, g.sample(new float[] {NEG_INF, -7, NEG_INF}));
    assertEquals(0, g.sample(new float[] {2}));
  }

  // ---- temperature

  @Test
  void temperatureDividesLogitsRelativeToTheMaximum() {
    // Softmax ignores a common shift; Temperature subtracts the max (1) before dividing.
    float[] a = {1, -2, 0.5f, NEG_INF};
    new Temperature(0.5).process(a, history());
    assertArrayEquals(new float[] {0, -6, -1, NEG_INF}, a);
    float[] b = {1, -2, 0.5f};
    new Temperature(2).process(b, history());
    assertArrayEquals(new float[] {0, -1.5f, -0.25f}, b);
  }

  // ---- repetition penalty

  @Test
  void repetitionPenaltyAsHuggingFace() {
    // Seen {0, 1, 3}: positive divided, negative multiplied, zero stays zero, the rest untouched.
    // 0 appears three times and is still penalised once.
    float[] logits = {2.0f, -1.5f, 3.0f, 0.0f, -4.0f, 1.0f};
    new RepetitionPenalty(2).process(logits, history(0, 1, 0, 0, 3, 1));
    assertArrayEquals(new float[] {1.0f, -3.0f, 3.0f, 0.0f, -4.0f, 1.0f}, logits);
  }

  @Test
  void repetitionPenaltyBelowOneFavoursSeenTokens() {
    float[] logits = {2.0f, -1.5f, 3.0f};
    new RepetitionPenalty(0.5).process(logits, history(0, 1));
    assertArrayEquals(new float[] {4.0f, -0.75f, 3.0f}, logits);
  }

  @Test
  void repetitionPenaltyWithInexactFactor() {
    float[] logits = {2.6f, -1.3f};
    new RepetitionPenalty(1.3).process(logits, history(0, 1));
    assertEquals(2.0f, logits[0], 1e-6f);
    assertEquals(-1.69f, logits[1], 1e-6f);
  }

  @Test
  void repetitionPenaltyIgnoresSeenIdsBeyondTheLogits() {
    float[] logits = {1, 1, 1};
    new RepetitionPenalty(2).process(logits, history(1, 10, 70));
    assertArrayEquals(new float[] {1, 0.5f, 1}, logits);
  }

  // ---- top-k

  @Test
  void topKKeepsTheKBest() {
    float[] logits = {1.0f, 0.5f, 0f, -0.5f, 2.0f, -1.0f};
    new TopK(3).process(logits, history());
    assertArrayEquals(new float[] {1.0f, 0.5f, NEG_INF, NEG_INF, 2.0f, NEG_INF}, logits);

    float[] one = {1.0f, 0.5f, 3f};
    new TopK(1).process(one, history());
    assertEquals(Set.of(2), kept(one));
  }

  @Test
  void topKKeepsTiesAtTheKth() {
    float[] logits = {3, 1, 2, 1, 0};
    new TopK(3).process(logits, history());
    assertArrayEquals(new float[] {3, 1, 2, 1, NEG_INF}, logits);

    float[] two = {3, 1, 2, 1, 0};
    new TopK(2).process(two, history());
    assertEquals(Set.of(0, 2), kept(two));
  }

  @Test
  void topKOfAtLeastTheVocabularyKeepsAll() {
    float[] logits = {3, 1, 2};
    new TopK(3).process(logits, history());
    assertArrayEquals(new float[] {3, 1, 2}, logits);
    new TopK(50).process(logits, history());
    assertArrayEquals(new float[] {3, 1, 2}, logits);
  }

  // ---- top-p

  // Probabilities by id: 0 → 0.15, 1 → 0.5, 2 → 0.05, 3 → 0.3. Ascending cumulative sums of
  // the removable tokens: 0.05, 0.20, 0.50. A token is removed while its cumulative sum ≤ 1 - p.
  static Stream<Arguments> nuclei() {
    return Stream.of(
        Arguments.of(0.99, Set.of(0, 1, 2, 3)), // 1-p = 0.01 < 0.05
        Arguments.of(0.9, Set.of(0, 1, 3)), // 0.05 ≤ 0.1 < 0.2
        Arguments.of(0.85, Set.of(0, 1, 3)), // 0.05 ≤ 0.15 < 0.2
        Arguments.of(0.75, Set.of(1, 3)), // 0.2 ≤ 0.25 < 0.5
        Arguments.of(0.7, Set.of(1, 3)),
        Arguments.of(0.55, Set.of(1, 3)), // 0.2 ≤ 0.45 < 0.5
        Arguments.of(0.45, Set.of(1)), // 0.5 ≤ 0.55: only the top token is left
        Arguments.of(0.3, Set.of(1)),
        Arguments.of(1e-6, Set.of(1)));
  }

  @ParameterizedTest
  @MethodSource("nuclei")
  void topPKeepsTheSmallestNucleus(double p, Set<Integer> expected) {
    float[] logits = logOf(0.15, 0.5, 0.05, 0.3);
    float[] original = logits.clone();
    new TopP(p).process(logits, history());
    assertEquals(expected, kept(logits));
    for (int id : expected) {
      assertEquals(original[id], logits[id], "kept logits are unchanged");
    }
  }

  @Test
  void topPAlwaysKeepsTheTopTokenEvenWhenItIsAlmostCertain() {
    float[] logits = {20, 0, 0, 0};
    new TopP(0.5).process(logits, history());
    assertEquals(Set.of(0), kept(logits));
    float[] tiny = logOf(0.25, 0.25, 0.5);
    new TopP(Double.MIN_VALUE).process(tiny, history());
    assertEquals(Set.of(2), kept(tiny));
  }

  @Test
  void topPKeepsTiesWithTheLeastLikelyKeptToken() {
    // 0.4, 0.2, 0.2, 0.2 with p = 0.5: cumulative 0.2, 0.4 ≤ 0.5, then 0.6; the cut falls inside
    // the tie, and tied tokens are all kept.
    float[] logits = logOf(0.2, 0.4, 0.2, 0.2);
    new TopP(0.5).process(logits, history());
    assertEquals(Set.of(0, 1, 2, 3), kept(logits));
  }

  @Test
  void topPIgnoresTokensAlreadyRemoved() {
    // Live probabilities 0.5, 0.3, 0.2 (id 2 removed by an earlier processor); p = 0.75:
    // cumulative 0, 0.2 ≤ 0.25, then 0.5 → keep {0, 1}.
    float[] logits = logOf(0.5, 0.3, 1, 0.2);
    logits[2] = NEG_INF;
    new TopP(0.75).process(logits, history());
    assertEquals(Set.of(0, 1), kept(logits));
  }

  @Test
  void topPWithPOneKeepsAll() {
    float[] logits = logOf(0.15, 0.5, 0.05, 0.3);
    new TopP(1).process(logits, history());
    assertEquals(Set.of(0, 1, 2, 3), kept(logits));
  }

  // ---- the pipeline

  @Test
  void pickerDoesNotModifyTheModelsLogits() {
    float[] logits = {2.0f, -1.5f, 3.0f, 0.5f};
    float[] copy = logits.clone();
    TokenPicker picker = TokenPicker.of(
        GenerationParams.builder().temperature(0.5).topK(2).topP(0.9).repetitionPenalty(3).seed(1).build(), 1);
    picker.pick(logits, history(2, 1));
    assertArrayEquals(copy, logits);
  }

  @Test
  void greedyPickerIgnoresSamplingOptions() {
    // Greedy: repetition penalty applies, top-k / top-p do not matter for argmax.
    TokenPicker picker = TokenPicker.of(
        GenerationParams.builder().topK(1).topP(0.1).repetitionPenalty(4).build(), 9);
    assertEquals(1, picker.pick(new float[] {2.0f, 1.0f, 0.9f}, history(0)));
    assertEquals(0, picker.pick(new float[] {2.0f, 1.0f, 0.9f}, history()));
  }

  @Test
  void customProcessorsRunInOrderBeforeTheSampler() {
    StringBuilder order = new StringBuilder();
    LogitsProcessor a = (l, h) -> order.append('a');
    LogitsProcessor b = (l, h) -> {
      order.append('b');
      l[2] = 100;
    };
    TokenPicker picker = new TokenPicker(java.util.List.of(a, b), logits -> {
      order.append('s');
      return Sampler.greedy().sample(logits);
    });
    assertEquals(2, picker.pick(new float[] {1, 2, 0}, history()));
    assertEquals("abs", order.toString());
  }

  @Test
  void tinyTemperatureStillPicksAToken() {
    TokenPicker picker = TokenPicker.of(GenerationParams.builder().temperature(1e-39).seed(1).build(), 1);
    int id = picker.pick(new float[] {1f, 2f, 0f}, history());
    assertTrue(id >= 0 && id < 3, "picked " + id);
    assertEquals(1, id, "as the temperature goes to 0, sampling becomes argmax");
  }
}
