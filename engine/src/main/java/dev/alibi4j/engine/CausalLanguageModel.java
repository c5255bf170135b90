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
}
