package dev.alibi4j.engine.generation;

import java.util.SplittableRandom;

/**
 * Draws a token from softmax(logits), computed in double. Owns its random state: the same seed
 * gives the same sequence of tokens.
 */
public final class RandomSampler implements Sampler {

  private final SplittableRandom random;

  public RandomSampler(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public int sample(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        throw new IllegalArgumentException("cannot sample: the logit of token id " + i + " is NaN");
      }
      max = Math.max(max, logits[i]);
    }
    if (!(max > Float.NEGATIVE_INFINITY) || max == Float.POSITIVE_INFINITY) {
      throw new IllegalStateException("cannot sample: the largest logit is " + max);
    }
    double total = 0;
    for (float v : logits) {
      total += Math.exp(v - max); // exp(-inf) = 0 for removed tokens
    }
    double target = random.nextDouble() * total;
    double cumulative = 0;
    int last = -1;
    for (int i = 0; i < logits.length; i++) {
      double w = Math.exp(logits[i] - max);
      if (w > 0) {
        cumulative += w;
        last = i;
        if (cumulative > target) {
          return i;
        }
      }
    }
    return last; // rounding left target just above the sum
  }
}
