package dev.alibi4j.engine.generation;

/**
 * The log-probability of one generated token and of the most likely alternatives at its step,
 * under the model's distribution: {@code log_softmax} of the raw logits, before the repetition
 * penalty, temperature, top-k and top-p (as vLLM's default "raw" logprobs).
 *
 * @param tokenId the generated token
 * @param logprob its natural-log probability (≤ 0)
 * @param topIds the most likely tokens at this step, most likely first (ties: lower id first);
 *     as many as {@link GenerationParams#logprobs()} asked for, the vocabulary permitting
 * @param topLogprobs their log-probabilities, in the same order
 */
public record TokenLogprob(int tokenId, double logprob, int[] topIds, double[] topLogprobs) {

  public TokenLogprob {
    if (topIds.length != topLogprobs.length) {
      throw new IllegalArgumentException(
          "topIds and topLogprobs differ in length: " + topIds.length + " vs " + topLogprobs.length);
    }
    topIds = topIds.clone();
    topLogprobs = topLogprobs.clone();
  }

  @Override
  public int[] topIds() {
    return topIds.clone();
  }

  @Override
  public double[] topLogprobs() {
    return topLogprobs.clone();
  }

  /** Alternatives held: {@code topIds().length} without a copy. */
  public int topCount() {
    return topIds.length;
  }

  /** The {@code i}-th most likely token, without a copy. */
  public int topId(int i) {
    return topIds[i];
  }

  /** Its log-probability, without a copy. */
  public double topLogprob(int i) {
    return topLogprobs[i];
  }
}
