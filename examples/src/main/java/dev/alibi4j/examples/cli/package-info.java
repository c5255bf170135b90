/**
 * The {@code alibi4j.jar} command line: {@code generate}, {@code logits} and {@code tokenize},
 * each a {@link dev.alibi4j.examples.cli.Command}. Bad options exit with code 2 and the usage.
 */
package dev.alibi4j.examples.cli;
