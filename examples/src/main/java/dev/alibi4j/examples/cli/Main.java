package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.torch.TorchEnvironment;
import dev.alibi4j.model.CheckpointException;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar alibi4j.jar <command> [options]}. Exit codes: 0 success, 1 runtime error (bad
 * checkpoint, I/O), 2 usage error.
 */
public final class Main {

  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final List<Command> COMMANDS =
      List.of(
          new GenerateCommand(), new LogitsCommand(), new TokenizeCommand(), new TrainCommand(),
          new PerplexityCommand(), new BenchCommand());

  private Main() {}

  public static void main(String[] args) {
    TorchEnvironment.prepare(); // before libtorch loads
    // No network at run time: DJL must use the bundled native libraries.
    System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
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
    try {
      return command.run(rest, out, err);
    } catch (UsageException e) {
      err.println("error: " + e.getMessage());
      err.print(command.usage());
      return USAGE;
    } catch (CheckpointException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    } catch (Exception e) {
      err.println("error: " + e);
      return FAILED;
    }
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
