package dev.alibi4j.engine.generation;

/**
 * Called once per generated token, in order, as soon as it is chosen. Text held back at the end
 * (an incomplete character, or the start of a stop string that never completed) is delivered by
 * one last call with {@link #NO_TOKEN}, so the pieces always add up to the result's text.
 */
@FunctionalInterface
public interface TokenListener {

  /** The token id of the final call that only releases held-back text. */
  int NO_TOKEN = -1;

  /**
   * @param tokenId the generated token
   * @param text the newly emitted text: empty while a character is incomplete or text may be
   *     the start of a stop string, or when there is no decoder
   */
  void onToken(int tokenId, String text);

  /**
   * As {@link #onToken(int, String)}, with the token's log-probabilities when {@link
   * GenerationParams#logprobs()} asked for them. The generation calls this one; override it to
   * receive them (the default drops them).
   *
   * @param logprob null when not asked for, and in the final {@link #NO_TOKEN} call
   */
  default void onToken(int tokenId, String text, TokenLogprob logprob) {
    onToken(tokenId, text);
  }
}
