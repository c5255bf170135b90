package dev.alibi4j.engine.generation;

/** Divides logits by the temperature: below 1 sharpens, above 1 flattens the distribution. */
public record Temperature(double temperature) implements LogitsProcessor {

  @Override
  public void process(float[] logits, TokenHistory history) {
    float inv = (float) (1.0 / temperature);
    for (int i = 0; i < logits.length; i++) {
      logits[i] *= inv;
    }
  }
}
