package dev.alibi4j.engine.eval;

/**
 * Perplexity of a token sequence.
 *
 * @param perplexity {@code exp(nll / scoredTokens)}
 * @param nll summed negative log-likelihood in nats
 * @param scoredTokens tokens whose probability was scored
 * @param context window length
 * @param stride distance between window starts
 * @param seconds wall time of the evaluation
 */
public record PerplexityResult(
    double perplexity, double nll, long scoredTokens, int context, int stride, double seconds) {

  /** Scored tokens per second. */
  public double tokensPerSecond() {
    return seconds > 0 ? scoredTokens / seconds : Double.NaN;
  }
}
