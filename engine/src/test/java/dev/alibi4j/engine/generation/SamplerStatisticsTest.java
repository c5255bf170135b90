package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * Empirical frequencies of many seeded draws against the probabilities written from the
 * definitions. Each frequency must lie within 5 standard errors, sqrt(p (1 - p) / n), of its
 * probability; removed tokens must never be drawn.
 */
class SamplerStatisticsTest {

  private static final int DRAWS = 40_000;
  private static final float[] LOGITS = {1.0f, 0.5f, 0f, -0.5f, 2.0f, -1.0f};

  /** softmax(logits / t) over the ids in {@code keep} (all when null); 0 elsewhere. */
  private static double[] softmax(float[] logits, double t, int[] keep) {
    double[] p = new double[logits.length];
    double total = 0;
    for (int i = 0; i < logits.length; i++) {
      boolean kept = keep == null;
      if (keep != null) {
        for (int k : keep) {
          kept |= k == i;
        }
      }
      p[i] = kept ? Math.exp(logits[i] / t) : 0;
      total += p[i];
    }
    for (int i = 0; i < p.length; i++) {
      p[i] /= total;
    }
    return p;
  }

  private static int[] counts(int vocab, IntSupplier draw) {
    int[] counts = new int[vocab];
    for (int n = 0; n < DRAWS; n++) {
      counts[draw.getAsInt()]++;
    }
    return counts;
  }

  private static void assertFrequencies(double[] expected, int[] counts) {
    for (int i = 0; i < expected.length; i++) {
      double f = (double) counts[i] / DRAWS;
      if (expected[i] == 0) {
        assertEquals(0, counts[i], "id " + i + " is removed but was drawn");
      } else {
        double se = Math.sqrt(expected[i] * (1 - expected[i]) / DRAWS);
        assertTrue(Math.abs(f - expected[i]) <= 5 * se,
            "id " + i + ": frequency " + f + ", expected " + expected[i] + " ± " + 5 * se);
      }
    }
  }

  private static TokenPicker picker(GenerationParams.Builder b, long seed) {
    return TokenPicker.of(b.seed(seed).build(), seed);
  }

  @Test
  void randomSamplerFollowsSoftmax() {
    RandomSampler sampler = new RandomSampler(11);
    int[] counts = counts(6, () -> sampler.sample(LOGITS.clone()));
    assertFrequencies(softmax(LOGITS, 1, null), counts);
  }

  @Test
  void temperatureOneThroughThePicker() {
    TokenPicker p = picker(GenerationParams.builder().temperature(1), 12);
    TokenHistory h = new TokenHistory();
    assertFrequencies(softmax(LOGITS, 1, null), counts(6, () -> p.pick(LOGITS, h)));
  }

  @Test
  void temperatureHalfSharpens() {
    TokenPicker p = picker(GenerationParams.builder().temperature(0.5), 13);
    TokenHistory h = new TokenHistory();
    assertFrequencies(softmax(LOGITS, 0.5, null), counts(6, () -> p.pick(LOGITS, h)));
  }

  @Test
  void temperatureTwoFlattens() {
    TokenPicker p = picker(GenerationParams.builder().temperature(2), 14);
    TokenHistory h = new TokenHistory();
    assertFrequencies(softmax(LOGITS, 2, null), counts(6, () -> p.pick(LOGITS, h)));
  }

  @Test
  void topKDrawsOnlyTheKBestWithRenormalisedProbabilities() {
    // The three best of LOGITS are ids 4 (2.0), 0 (1.0), 1 (0.5).
    TokenPicker p = picker(GenerationParams.builder().temperature(1).topK(3), 15);
    TokenHistory h = new TokenHistory();
    assertFrequencies(softmax(LOGITS, 1, new int[] {4, 0, 1}), counts(6, () -> p.pick(LOGITS, h)));
  }

  @Test
  void topKWithTemperature() {
    TokenPicker p = picker(GenerationParams.builder().temperature(0.5).topK(2), 16);
    TokenHistory h = new TokenHistory();
    assertFrequencies(softmax(LOGITS, 0.5, new int[] {4, 0}), counts(6, () -> p.pick(LOGITS, h)));
  }

  @Test
  void topPDrawsFromTheNucleusWithRenormalisedProbabilities() {
    // 0.15, 0.5, 0.05, 0.3 with p = 0.7 keeps ids 1 and 3: 0.5 / 0.8 and 0.3 / 0.8.
    float[] logits = LogitsProcessorTest.logOf(0.15, 0.5, 0.05, 0.3);
    TokenPicker p = picker(GenerationParams.builder().temperature(1).topP(0.7), 17);
    TokenHistory h = new TokenHistory();
    assertFrequencies(new double[] {0, 0.625, 0, 0.375}, counts(4, () -> p.pick(logits, h)));
  }

  @Test
  void topPComesAfterTemperature() {
    // T = 0.5 squares the probabilities: 0.0225, 0.25, 0.0025, 0.09 over 0.365, i.e. about
    // 0.0616, 0.6849, 0.0068, 0.2466. With p = 0.65 (1 - p = 0.35) the cumulative sums
    // 0.0068, 0.0685, 0.3151 are all removed: only id 1 is left. Top-p before the temperature
    // would have kept id 3 too (0.05, 0.2 ≤ 0.35 < 0.5).
    float[] logits = LogitsProcessorTest.logOf(0.15, 0.5, 0.05, 0.3);
    TokenPicker p = picker(GenerationParams.builder().temperature(0.5).topP(0.65), 18);
    TokenHistory h = new TokenHistory();
    int[] counts = new int[4];
    for (int n = 0; n < 2_000; n++) {
      counts[p.pick(logits, h)]++;
    }
    assertArrayEquals(new int[] {0, 2_000, 0, 0}, counts);
  }

  @Test
  void topPComesAfterTopK() {
    // Top-k 2 leaves 0.5 and 0.3, renormalised 0.625 and 0.375; top-p 0.55 (1 - p = 0.45)
    // then removes 0.375. Top-p first would have kept both (0.05, 0.2 ≤ 0.45 < 0.5).
    float[] logits = LogitsProcessorTest.logOf(0.15, 0.5, 0.05, 0.3);
    TokenPicker p = picker(GenerationParams.builder().temperature(1).topK(2).topP(0.55), 19);
    TokenHistory h = new TokenHistory();
    for (int n = 0; n < 2_000; n++) {
      assertEquals(1, p.pick(logits, h));
    }
  }

  @Test
  void repetitionPenaltyShiftsSampledFrequencies() {
    // Logits [ln 2, ln 2, 0] with id 0 seen and penalty 2: [ln 2 / 2, ln 2, 0] →
    // weights sqrt(2), 2, 1.
    float ln2 = (float) Math.log(2);
    float[] logits = {ln2, ln2, 0};
    TokenPicker p = picker(GenerationParams.builder().temperature(1).repetitionPenalty(2), 20);
    TokenHistory h = LogitsProcessorTest.history(0);
    double s = Math.sqrt(2) + 2 + 1;
    assertFrequencies(new double[] {Math.sqrt(2) / s, 2 / s, 1 / s}, counts(3, () -> p.pick(logits, h)));
  }

  @Test
  void removedTokensAreNeverDrawn() {
    float inf = Float.NEGATIVE_INFINITY;
    float[] logits = {inf, 0, inf, 0, inf};
    RandomSampler sampler = new RandomSampler(21);
    assertFrequencies(new double[] {0, 0.5, 0, 0.5, 0}, counts(5, () -> sampler.sample(logits)));
  }

  @Test
  void sameSeedSameSequence() {
    RandomSampler a = new RandomSampler(99);
    RandomSampler b = new RandomSampler(99);
    for (int n = 0; n < 1_000; n++) {
      assertEquals(a.sample(LOGITS), b.sample(LOGITS));
    }
  }
}
