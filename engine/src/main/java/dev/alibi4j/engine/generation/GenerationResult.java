package dev.alibi4j.engine.generation;

/**
 * The outcome of one generation.
 *
 * @param ids generated token ids only (no prompt, no EOS)
 * @param text generated text, cut before a stop string; null without a decoder
 * @param finishReason why it ended
 * @param promptTokens prompt length
 * @param generatedTokens {@code ids.length}
 * @param seed the sampling seed used
 * @param prefillNanos time of the forward pass over the prompt
 * @param decodeSteps forward passes after the prefill (one per fed-back token)
 * @param decodeNanos time of those passes
 * @param logprobs one per generated token when {@link GenerationParams#logprobs()} asked for
 *     them, else empty
 */
public record GenerationResult(
    int[] ids,
    String text,
    FinishReason finishReason,
    int promptTokens,
    int generatedTokens,
    long seed,
    long prefillNanos,
    int decodeSteps,
    long decodeNanos,
    java.util.List<TokenLogprob> logprobs) {

  public GenerationResult {
    logprobs = java.util.List.copyOf(logprobs);
  }

  /** Prompt tokens per second of the prefill. */
  public double prefillTokensPerSecond() {
    return prefillNanos == 0 ? Double.NaN : promptTokens * 1e9 / prefillNanos;
  }

  /** Tokens per second of the decode steps; NaN when there were none (one token generated). */
  public double decodeTokensPerSecond() {
    return decodeSteps == 0 || decodeNanos == 0 ? Double.NaN : decodeSteps * 1e9 / decodeNanos;
  }
}
