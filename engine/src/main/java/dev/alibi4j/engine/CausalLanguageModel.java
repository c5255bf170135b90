package dev.alibi4j.engine;

/**
 * Something that turns token ids into next-token logits. The generation loop drives this
 * interface only, so it can be tested with a fake model that returns fixed logits.
 */
public interface CausalLanguageModel {

  /** Number of logits per position. */
  int vocabSize();

  /** Starts an empty sequence with its own KV cache. Close it to free the cache. */
  InferenceSession newSession();

  /**
   * The longest sequence a session accepts, in tokens; callers check their prompt and budget
   * against it before any work. Unbounded unless the model says otherwise.
   */
  default int maxContext() {
    return Integer.MAX_VALUE;
  }

  /**
   * One new token for each of {@code sessions} (sessions of this model), the logits that predict
   * each one's next token written to {@code logits [sessions, vocab]}. A model that can decode
   * several sequences in one pass overrides this; each session's logits must be those it would
   * get alone. By default, one session after the other.
   */
  default void decodeBatch(InferenceSession[] sessions, int[] ids, float[] logits) {
    int vocab = vocabSize();
    for (int r = 0; r < sessions.length; r++) {
      float[] row = sessions[r].append(new int[] {ids[r]});
      System.arraycopy(row, 0, logits, r * vocab, vocab);
    }
  }
}
