package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.torch.TorchEnvironment;
import dev.alibi4j.examples.io.IoErrors;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar alibi4j.jar <command> [options]}. Exit codes: 0 success (also when the reader
 * of standard output went away, as in {@code generate | head}), 1 runtime error (bad checkpoint,
 * I/O, out of memory), 2 usage error. Every error is one line in words on stderr.
 */
public final class Main {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final List<Command> COMMANDS =
      List.of(
          new GenerateCommand(), new LogitsCommand(), new TokenizeCommand(), new TrainCommand(),
          new PerplexityCommand(), new BenchCommand(), new ServeCommand(), new LoadTestCommand());

  private Main() {}

  public static void main(String[] args) {
    TorchEnvironment.prepare(); // before libtorch loads
    // No network at run time: DJL must use the bundled native libraries.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    PrintStream out = new CliPrintStream(new FileOutputStream(FileDescriptor.out));
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
    System.exit(run(args, out, err));
  }

  /** Runs the CLI with the given streams; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(overview());
      return USAGE;
    }
    if (isHelp(args[0]) || args[0].equals("help")) {
      out.print(overview());
      return OK;
    }
    Command command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
    if (command == null) {
      err.println("error: unknown command '" + args[0] + "'");
      err.print(overview());
      return USAGE;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    // Only a leading --help asks for help: later it may be an option's value (--stop -h).
    if (rest.length > 0 && isHelp(rest[0])) {
      out.print(command.usage());
      return OK;
    }
    return run(command, rest, out, err);
  }

  /** Runs one command, turning every failure into a one-line message and an exit code. */
  static int run(Command command, String[] rest, PrintStream out, PrintStream err) {
    try {
      int code = command.run(rest, out, err);
      return out.checkError() ? outputFailed(OutputFailure.of(out), err) : code;
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(command.usage());
      return USAGE;
    } catch (OutputFailure e) {
      return outputFailed(e, err);
    } catch (OutOfMemoryError e) {
      String what = e.getMessage() == null ? "" : " (" + e.getMessage() + ")";
      err.println("error: out of memory" + what + " in '" + command.name()
          + "': give Java more with -Xmx (java -Xmx8g -jar alibi4j.jar ...) or use a smaller input");
      return FAILED;
    } catch (Exception e) {
      err.println("error: " + message(e));
      return FAILED;
    }
  }

  private static int outputFailed(OutputFailure e, PrintStream err) {
    if (e.readerGone()) {
      return OK; // as `yes | head`: the reader has what it wanted
    }
    err.println("error: " + e.getMessage());
    return FAILED;
  }

  /** An exception's message in words: never a class name where a message can be had. */
  static String message(Throwable e) {
    Throwable cause = e.getCause();
    String m = e.getMessage();
    // A wrapper whose message is its cause's toString() (UncheckedIOException(e), say).
    if (cause != null && (m == null || m.equals(cause.toString()))) {
      return message(cause);
    }
    if (e instanceof IOException io) {
      return IoErrors.describe(io);
    }
    if (m == null || m.isBlank()) {
      return "internal error (" + e.getClass().getSimpleName() + " without a message); please report it";
    }
    return m;
  }

  private static boolean isHelp(String arg) {
    return arg.equals("--help") || arg.equals("-h");
  }

  private static String overview() {
    StringBuilder s = new StringBuilder("usage: java -jar alibi4j.jar <command> [options]\n\ncommands:\n");
    for (Command c : COMMANDS) {
      s.append(String.format("  %-10s %s%n", c.name(), c.summary()));
    }
    s.append("\nRun 'java -jar alibi4j.jar <command> --help' for a command's options.\n");
    return s.toString();
  }
}
