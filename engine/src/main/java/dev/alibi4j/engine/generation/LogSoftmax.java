package dev.alibi4j.engine.generation;

/**
 * Log-probabilities of one step's logits and its {@code n} most likely tokens ({@link
 * TokenLogprob}; perplexity). Sums in double: a 250k-token vocabulary in float loses the small
 * terms.
 */
public final class LogSoftmax {

  private LogSoftmax() {}

  /** {@code log Σ exp(logit)}, the max taken out first so that no term overflows. */
  public static double logPartition(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (float x : logits) {
      sum += Math.exp(x - max);
    }
    return max + Math.log(sum);
  }

  /**
   * @param logits {@code [vocab]}, raw (the array is not changed); NaN already refused
   * @param chosen the generated token
   * @param n alternatives wanted, ≥ 0
   */
  public static TokenLogprob of(float[] logits, int chosen, int n) {
    double logZ = logPartition(logits);
    int k = Math.min(n, logits.length);
    int[] top = topIds(logits, k);
    double[] topLogprobs = new double[k];
    for (int i = 0; i < k; i++) {
      topLogprobs[i] = logits[top[i]] - logZ;
    }
    return new TokenLogprob(chosen, logits[chosen] - logZ, top, topLogprobs);
  }

  /** The {@code k} largest logits' ids, largest first, lower id first among equals: O(vocab · k). */
  private static int[] topIds(float[] logits, int k) {
    int[] ids = new int[k];
    int held = 0;
    for (int id = 0; id < logits.length && k > 0; id++) {
      float x = logits[id];
      if (held == k && !(x > logits[ids[k - 1]])) {
        continue; // not above the smallest kept; an equal one has the lower id already
      }
      int at = held == k ? k - 1 : held++;
      while (at > 0 && x > logits[ids[at - 1]]) {
        ids[at] = ids[at - 1];
        at--;
      }
      ids[at] = id;
    }
    return ids;
  }
}
