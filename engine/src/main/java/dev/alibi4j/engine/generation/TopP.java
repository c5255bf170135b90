package dev.alibi4j.engine.generation;

import java.util.Arrays;

/**
 * Hugging Face's {@code TopPLogitsWarper} (nucleus sampling, Holtzman et al. 2020): sorted
 * ascending, tokens whose cumulative probability is at most {@code 1 - p} are removed, so the
 * kept set is the smallest whose probability reaches {@code p}. The most likely token is always
 * kept; tokens tied with the least likely kept one are kept too.
 */
public record TopP(double p) implements LogitsProcessor {

  @Override
  public void process(float[] logits, TokenHistory history) {
    float[] sorted = logits.clone();
    Arrays.sort(sorted); // ascending
    double max = sorted[sorted.length - 1];
    double total = 0;
    for (float v : sorted) {
      total += Math.exp(v - max);
    }
    double cumulative = 0;
    float threshold = sorted[sorted.length - 1];
    for (int i = 0; i < sorted.length - 1; i++) {
      cumulative += Math.exp(sorted[i] - max) / total;
      if (cumulative > 1 - p) {
        threshold = sorted[i];
        break;
      }
    }
    for (int i = 0; i < logits.length; i++) {
      if (logits[i] < threshold) {
        logits[i] = Float.NEGATIVE_INFINITY;
      }
    }
  }
}
