package dev.alibi4j.engine;

/**
 * One growing token sequence and its KV cache. Not thread-safe.
 */
public interface InferenceSession extends AutoCloseable {

  /**
   * Appends {@code ids} to the sequence and returns the logits that predict the token after the
   * last of them.
   *
   * @param ids at least one token id, each in {@code [0, vocabSize)}
   * @return logits {@code [vocab]} as float32
   */
  float[] append(int[] ids);

  /**
   * Appends {@code ids} and returns the logits at every one of their positions.
   *
   * @return logits {@code [ids.length][vocab]}
   */
  float[][] appendAll(int[] ids);

  /** Tokens in the sequence so far. */
  int length();

  @Override
  void close();
}
