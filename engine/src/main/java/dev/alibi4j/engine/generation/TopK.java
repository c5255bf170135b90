package dev.alibi4j.engine.generation;

import java.util.Arrays;

/**
 * Hugging Face's {@code TopKLogitsWarper}: keeps the tokens whose logit is at least the k-th
 * largest (ties at the k-th are kept), removes the rest.
 */
public record TopK(int k) implements LogitsProcessor {

  @Override
  public void process(float[] logits, TokenHistory history) {
    if (k >= logits.length) {
      return;
    }
    float[] sorted = logits.clone();
    Arrays.sort(sorted);
    float kth = sorted[sorted.length - k];
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < kth) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
