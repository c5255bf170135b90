package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code train} refuses what it cannot finish before it starts: bad outputs, sizes past the limits. */
class TrainCommandTest {

  @TempDir static Path tmp;

  static Path corpus;

  @BeforeAll
  static void writeCorpus() throws Exception {
    corpus = Files.writeString(tmp.resolve("corpus.txt"), "to be or not to be\n".repeat(200));
  }

  private static CommandRun train(String... options) {
    String[] args = new String[options.length + 1];
    args[0] = "train";
    System.arraycopy(options, 0, args, 1, options.length);
    return CommandRun.main(args);
  }

  private static void assertNoStackTrace(CommandRun r) {
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
  }

  @Test
  void anOutputThatIsAFileIsRefusedBeforeAnyWork() throws Exception {
    Path file = Files.writeString(tmp.resolve("model.txt"), "not a folder");
    // The corpus does not exist either: the output must be checked first, before reading it.
    CommandRun r = train("--corpus", tmp.resolve("absent.txt").toString(), "--out", file.toString(), "--steps", "1");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("--out " + file + " is a file"), r.err());
    assertEquals("not a folder", Files.readString(file));
    assertNoStackTrace(r);
  }

  @Test
  void anOutputFolderThatCannotBeMadeIsRefusedBeforeAnyWork() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    CommandRun r = train("--corpus", corpus.toString(), "--out", file.resolve("model").toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().contains("cannot create the --out folder"), r.err());
    assertNoStackTrace(r);
  }

  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "--batch 2000000000; option --batch is too large: at most 4096, got 2000000000",
      "--batch 99999999999; option --batch is too large: at most 4096",
      "--hidden 100000; option --hidden is too large: at most 4096, got 100000",
      "--layers 65; option --layers is too large: at most 64",
      "--context 100000; option --context is too large: at most 8192",
      "--lr 5; lr must be > 0 and at most 1.0, got 5.0",
      "--heads 3; hidden 256 is not a multiple of heads 3",
      "--batch 4096 --context 8192; tokens per step is too large: at most 1,048,576",
      "--batch 256 --heads 64 --context 1024; attention scores per layer is too large",
      "--layers 64 --hidden 4096; parameters, too many: at most 500,000,000"})
  void sizesPastTheLimitsAreUsageErrorsNamingTheLimit(String options, String message) {
    String[] extra = options.split(" ");
    String[] args = new String[extra.length + 4];
    args[0] = "--corpus";
    args[1] = corpus.toString();
    args[2] = "--out";
    args[3] = tmp.resolve("never").toString();
    System.arraycopy(extra, 0, args, 4, extra.length);
    CommandRun r = train(args);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), "'" + message + "' not in: " + r.err());
    assertFalse(Files.exists(tmp.resolve("never")), "nothing is written for a refused run");
    assertNoStackTrace(r);
  }
}
