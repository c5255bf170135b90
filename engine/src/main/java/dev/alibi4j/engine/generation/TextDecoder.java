package dev.alibi4j.engine.generation;

/**
 * Incremental detokenization, supplied by the caller (the engine knows no tokenizer).
 */
public interface TextDecoder {

  /** The text that became complete with this token; may be empty. */
  String next(int tokenId);

  /** Text still held back at the end of generation. */
  String flush();
}
