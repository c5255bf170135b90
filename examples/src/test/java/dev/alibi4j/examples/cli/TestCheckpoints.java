package dev.alibi4j.examples.cli;

import java.nio.file.Path;

/** {@link TinyBloom}'s checkpoints for tests in other packages (the server's). */
public final class TestCheckpoints {

  private TestCheckpoints() {}

  /** A tiny random BLOOM with the test tokenizer that writes mostly printable ASCII, no EOS. */
  public static Path printable(Path dir, long seed) {
    return TinyBloom.withTokenizer(TinyBloom.printable(dir, seed));
  }
}
