package dev.alibi4j.examples.cli;

/** A command line that cannot be run as given; the CLI prints the message and usage, exit code 2. */
public final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }
}
