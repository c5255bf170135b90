package dev.alibi4j.engine.generation;

/**
 * Divides logits by the temperature: below 1 sharpens, above 1 flattens the distribution.
 *
 * <p>The maximum is subtracted first (softmax does not change): for a tiny temperature the
 * others then underflow towards -∞ instead of overflowing to +∞, so sampling tends to argmax.
 */
public record Temperature(double temperature) implements LogitsProcessor {

  @Override
  public void process(float[] logits, TokenHistory history) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    if (max == Float.NEGATIVE_INFINITY) {
      return; // nothing left to scale
    }
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) ((logits[i] - (double) max) / temperature);
    }
  }
}
