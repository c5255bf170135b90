package dev.alibi4j.examples.cli;

import java.io.PrintStream;

/** One subcommand of the CLI. */
interface Command {

  /** The word that selects it, e.g. {@code generate}. */
  String name();

  /** One-line summary for the top-level help. */
  String summary();

  /** Full usage text: synopsis and options. */
  String usage();

  /**
   * Runs the command.
   *
   * @return the process exit code
   * @throws UsageException for bad options (exit code 2)
   */
  int run(String[] args, PrintStream out, PrintStream err) throws Exception;
}
