package dev.alibi4j.engine;

/**
 * One growing token sequence and its KV cache. Use it from one thread at a time (its model may
 * serve many sessions on many threads at once).
 */
public interface InferenceSession extends AutoCloseable {

  /**
   * Appends {@code ids} to the sequence and returns the logits that predict the token after the
   * last of them.
   *
   * @param ids at least one token id, each in {@code [0, vocabSize)}
   * @return logits {@code [vocab]} as float32
   * @throws IllegalArgumentException when the sequence would pass the model's {@link
   *     CausalLanguageModel#maxContext() maximum context}
   * @throws IllegalStateException when the session or its model is closed
   */
  float[] append(int[] ids);

  /**
   * As {@link #append(int[])}, writing the logits into {@code reuse} when it has room for them
   * (then returning it), so that a generation loop allocates nothing per token; otherwise into a
   * new array.
   */
  default float[] append(int[] ids, float[] reuse) {
    float[] logits = append(ids);
    if (reuse != null && reuse.length >= logits.length) {
      System.arraycopy(logits, 0, reuse, 0, logits.length);
      return reuse;
    }
    return logits;
  }

  /**
   * Appends {@code ids} and returns the logits at every one of their positions.
   *
   * @return logits {@code [ids.length][vocab]}
   */
  float[][] appendAll(int[] ids);

  /**
   * Appends {@code ids} without computing logits (a prompt's chunks before its last). By default
   * {@link #append(int[])} with the logits dropped.
   */
  default void prefill(int[] ids) {
    append(ids);
  }

  /** Tokens in the sequence so far. */
  int length();

  @Override
  void close();
}
