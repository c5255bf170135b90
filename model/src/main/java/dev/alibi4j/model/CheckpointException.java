package dev.alibi4j.model;

/**
 * A checkpoint directory, file or value that cannot be loaded. The message always names the file
 * and, where one is involved, the tensor or config field and the offending value.
 */
public class CheckpointException extends RuntimeException {

  /** @param message what is wrong, naming the file and the tensor or field */
  public CheckpointException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, naming the file and the tensor or field
   * @param cause the underlying failure (an I/O or parse error)
   */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
