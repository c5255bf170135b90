package dev.alibi4j.examples.cli;

import dev.alibi4j.model.AlibiLM;

/**
 * {@code --max-context N}: the longest sequence the model accepts, in tokens, instead of the
 * default derived from the model's size and the machine's memory ({@link AlibiLM#maxContext()}).
 */
final class MaxContextOption {

  static final String NAME = "--max-context";

  private MaxContextOption() {}

  /** The option's value, checked before the model loads; null when absent. */
  static Integer parse(Options o) {
    return o.integer(NAME, 1);
  }

  /** Sets the limit on {@code lm} when the option was given. */
  static void apply(Integer tokens, AlibiLM lm) {
    if (tokens != null) {
      lm.setMaxContext(tokens);
    }
  }
}
