package dev.alibi4j.model.json;

/**
 * Text that is not strict JSON. The message says what is wrong and where (line, column and the
 * path of the value, such as {@code $.attn_config.clip_qkv}), but not which file: the caller adds
 * that.
 */
public final class InvalidJsonException extends Exception {

  /** @param message what is wrong and where */
  public InvalidJsonException(String message) {
    super(message);
  }
}
