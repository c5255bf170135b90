package dev.alibi4j.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The GPT-NeoX-20B / MPT tokenizer in {@code ${shared.dir}/fixtures/neox-tokenizer}, with
 * llama.cpp's test cases. Tests using it are skipped where the folder is absent.
 */
final class NeoxFixture {

  /** Line that ends each text in cases.inp (llama.cpp's test-tokenizer-0 format). */
  private static final String SEPARATOR = "\n__ggml_vocab_test__\n";

  /** A text and the ids Hugging Face gives it (no BOS: this tokenizer adds none). */
  record Case(int number, String text, int[] ids) {}

  private NeoxFixture() {}

  /** The fixture folder, if there is one. */
  static Optional<Path> find() {
    String shared = System.getProperty("shared.dir");
    return Optional.ofNullable(shared)
        .map(s -> Path.of(s, "fixtures", "neox-tokenizer"))
        .filter(dir -> Files.isRegularFile(dir.resolve("tokenizer.json")));
  }

  /** The fixture folder; skips the calling test when it is absent. */
  static Path dir() {
    Optional<Path> dir = find();
    assumeTrue(dir.isPresent(), "no neox-tokenizer fixture under shared.dir");
    return dir.get();
  }

  /** The tokenizer, or null when the fixture is absent. */
  static Tokenizer loadIfPresent() throws IOException {
    Optional<Path> dir = find();
    return dir.isPresent() ? Tokenizer.load(dir.get().resolve("tokenizer.json")) : null;
  }

  /**
   * Splits cases.inp at each separator, exactly: a text keeps its own leading and trailing spaces
   * and newlines, only the newline before the separator line belongs to the separator.
   */
  static List<Case> cases() throws IOException {
    Path dir = dir();
    String inp = Files.readString(dir.resolve("cases.inp"));
    List<String> out = Files.readAllLines(dir.resolve("cases.out"));
    List<String> texts = new ArrayList<>();
    int start = 0;
    for (int end = inp.indexOf(SEPARATOR); end >= 0; end = inp.indexOf(SEPARATOR, start)) {
      texts.add(inp.substring(start, end));
      start = end + SEPARATOR.length();
    }
    if (texts.size() != out.size() || start != inp.length()) {
      throw new IllegalStateException(
          texts.size()
              + " texts but "
              + out.size()
              + " id lines, "
              + (inp.length() - start)
              + " characters after the last separator");
    }
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      int[] ids =
          Arrays.stream(out.get(i).trim().split(" +"))
              .filter(s -> !s.isEmpty())
              .mapToInt(Integer::parseInt)
              .toArray();
      cases.add(new Case(i + 1, texts.get(i), ids));
    }
    return cases;
  }
}
