package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.io.IoErrors;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Standard output can no longer be written: raised as soon as that is seen, so that no more work
 * is done for output nobody reads.
 */
final class OutputFailure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final boolean readerGone;

  private OutputFailure(String message, boolean readerGone) {
    super(message);
    this.readerGone = readerGone;
  }

  /** The failure of {@code out}, whose error flag is set. */
  static OutputFailure of(PrintStream out) {
    IOException cause = out instanceof CliPrintStream c ? c.failure() : null;
    boolean gone = cause == null || isBrokenPipe(cause);
    return new OutputFailure(
        "cannot write to standard output: " + (cause == null ? "it was closed" : IoErrors.describe(cause)), gone);
  }

  /**
   * Whether the reader closed its end ({@code generate | head -c5}): the normal end of a pipeline,
   * not an error.
   */
  boolean readerGone() {
    return readerGone;
  }

  // EPIPE has no exception type of its own; its message is the C library's.
  private static boolean isBrokenPipe(IOException e) {
    return e.getMessage() != null && e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("broken pipe");
  }
}
