package dev.alibi4j.examples.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One CLI run with what it printed: a subcommand called directly, or {@link Main#run} as a whole. */
record CommandRun(int code, String out, String err) {

  /** Something that prints to the two streams and returns an exit code. */
  @FunctionalInterface
  private interface Invocation {
    int run(PrintStream out, PrintStream err) throws Exception;
  }

  /** {@code command} called directly: its exceptions propagate. */
  static CommandRun of(Command command, String... args) throws Exception {
    return capture((o, e) -> command.run(args, o, e));
  }

  /** The whole CLI, which turns every error into an exit code and a message. */
  static CommandRun main(String... args) {
    try {
      return capture((o, e) -> Main.run(args, o, e));
    } catch (Exception e) {
      throw new IllegalStateException("Main.run threw", e); // it declares none
    }
  }

  private static CommandRun capture(Invocation invocation) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = invocation.run(o, e);
    }
    return new CommandRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
