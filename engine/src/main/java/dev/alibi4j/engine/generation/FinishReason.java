package dev.alibi4j.engine.generation;

/** Why generation ended. */
public enum FinishReason {
  /** An end-of-sequence token was sampled. */
  EOS,
  /** The maximum number of new tokens was reached. */
  LENGTH,
  /** A stop string appeared in the text. */
  STOP_STRING
}
