package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.io.Utf8Reader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Text and token ids read from a file, or from standard input for {@code -}: the way to pass
 * text that the locale cannot carry on the command line. Text must be valid UTF-8.
 */
final class FileInputs {

  private FileInputs() {}

  /** The UTF-8 text of {@code file} ({@code -}: standard input), strictly decoded. */
  static String text(String option, String file) throws IOException {
    if (file.equals("-")) {
      return Utf8Reader.readAll(System.in, "standard input (" + option + " -)");
    }
    Path path = Path.of(file);
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException(option + ": file not found: " + file);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return Utf8Reader.readAll(in, file);
    }
  }

  /** Token ids separated by commas and/or whitespace, from {@code file} ({@code -}: standard input). */
  static int[] ids(String option, String file) throws IOException {
    String[] words = text(option, file).strip().split("[\\s,]+");
    if (words.length == 1 && words[0].isEmpty()) {
      throw new UsageException(option + " " + file + " holds no token ids");
    }
    int[] ids = new int[words.length];
    for (int i = 0; i < words.length; i++) {
      try {
        ids[i] = Integer.parseInt(words[i]);
      } catch (NumberFormatException e) {
        ids[i] = -1;
      }
      if (ids[i] < 0) {
        throw new UsageException(option + " " + file + ": '" + words[i] + "' (entry " + (i + 1)
            + ") is not a token id; expected non-negative integers separated by commas or spaces");
      }
    }
    return ids;
  }
}
