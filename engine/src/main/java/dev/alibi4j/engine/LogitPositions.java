package dev.alibi4j.engine;

/** Which positions of a forward pass are projected to logits (the head reads every vocabulary row). */
enum LogitPositions {
  /** Every position: scoring a text. */
  ALL,
  /** The newest position: predicting the next token. */
  LAST,
  /** None: an earlier chunk of a prompt only fills the cache. */
  NONE
}
