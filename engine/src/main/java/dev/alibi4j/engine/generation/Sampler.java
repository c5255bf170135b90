package dev.alibi4j.engine.generation;

/** Picks the next token from processed logits. */
@FunctionalInterface
public interface Sampler {

  /**
   * @param logits {@code [vocab]}; -∞ marks removed tokens
   * @throws IllegalArgumentException when a logit is NaN
   */
  int sample(float[] logits);

  /** Argmax; the lowest id wins a tie. NaN is refused: no comparison with it is true. */
  static Sampler greedy() {
    return logits -> {
      int best = 0;
      for (int i = 0; i < logits.length; i++) {
        if (Float.isNaN(logits[i])) {
          throw new IllegalArgumentException("cannot pick a token: the logit of token id " + i + " is NaN");
        }
        if (logits[i] > logits[best]) {
          best = i;
        }
      }
      return best;
    };
  }
}
