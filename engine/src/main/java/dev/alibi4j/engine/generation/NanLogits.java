package dev.alibi4j.engine.generation;

/**
 * Refuses logits that hold NaN. Every comparison with NaN is false, so an argmax would quietly
 * return token 0 (often an end-of-sequence token) and report a normal end; NaN logits mean broken
 * weights or a broken kernel, which the caller must hear about.
 */
final class NanLogits {

  private NanLogits() {}

  /**
   * @param step 0 for the logits after the prompt, k after the k-th generated token
   * @throws IllegalStateException naming the step, how many logits are NaN and the first one
   */
  static void check(float[] logits, int step) {
    int first = -1;
    int count = 0;
    for (int i = 0; i < logits.length; i++) {
      if (Float.isNaN(logits[i])) {
        first = first < 0 ? i : first;
        count++;
      }
    }
    if (count > 0) {
      throw new IllegalStateException(
          "the model returned NaN logits at step " + step
              + (step == 0 ? " (after the prompt)" : " (after generated token " + step + ")")
              + ": " + count + " of " + logits.length + " are NaN, the first at token id " + first
              + "; the weights or the computation are broken");
    }
  }
}
