package dev.alibi4j.engine.generation;

/** Why generation ended. */
public enum FinishReason {
  /** An end-of-sequence token was sampled. */
  EOS,
  /** The maximum number of new tokens was reached. */
  LENGTH,
  /** A stop string appeared in the text. */
  STOP_STRING,
  /**
   * The generation was cancelled between two steps: its thread was interrupted (the interrupt
   * flag stays set), its {@link Cancellation} was cancelled, or its model was closed.
   */
  CANCELLED
}
