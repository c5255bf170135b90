package dev.alibi4j.engine.generation;

/** Picks the next token from processed logits. */
@FunctionalInterface
public interface Sampler {

  /** @param logits {@code [vocab]}; -∞ marks removed tokens */
  int sample(float[] logits);

  /** Argmax; the lowest id wins a tie. */
  static Sampler greedy() {
    return logits -> {
      int best = 0;
      for (int i = 1; i < logits.length; i++) {
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    };
  }
}
