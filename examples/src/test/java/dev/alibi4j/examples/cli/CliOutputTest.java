package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.model.AlibiLM;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Output that can be trusted: files replaced whole or not at all, stdout failures, memory. */
class CliOutputTest {

  private static final int VOCAB = 272;

  @TempDir static Path tmp;

  static Path plain;

  @BeforeAll
  static void writeCheckpoint() {
    plain = TinyBloom.random(tmp.resolve("plain"), VOCAB, 11);
  }

  /** Standard output that fails with {@code message} once {@code limit} bytes are written. */
  private static final class FailingOut extends OutputStream {
    private final int limit;
    private final String message;
    int written;
    int attempts;

    FailingOut(int limit, String message) {
      this.limit = limit;
      this.message = message;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      attempts++;
      if (written + len > limit) {
        throw new IOException(message);
      }
      written += len;
    }
  }

  private static CommandRun generateInto(FailingOut stdout, String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new CliPrintStream(stdout), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandRun(code, "", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void logitsOfManyPositionsAreWrittenInChunksWithTheValuesOfOnePass() throws Exception {
    int[] ids = IntStream.range(0, LogitsCommand.ROWS_AT_A_TIME + 44).map(i -> (i * 37) % VOCAB).toArray();
    Path file = tmp.resolve("many.npy");
    String joined = String.join(",", IntStream.of(ids).mapToObj(Integer::toString).toList());
    CommandRun r = CommandRun.main("logits", "--model", plain.toString(), "--ids", joined, "--out", file.toString());
    assertEquals(0, r.code(), r.err());
    NpyReader.Npy npy = NpyReader.read(file);
    try (AlibiLM lm = AlibiLM.load(plain)) {
      float[][] expected = lm.logits(ids);
      assertEquals(expected.length, npy.rows());
      for (int p = 0; p < ids.length; p++) {
        assertArrayEquals(expected[p], npy.values()[p], "position " + p);
      }
    }
  }

  @Test
  void aFailedLogitsRunLeavesTheOldFileAndNoTemporaryFile() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("keep"));
    Path file = Files.writeString(folder.resolve("old.npy"), "the old logits");
    CommandRun r = CommandRun.main("logits", "--model", plain.toString(), "--ids", "1,2," + VOCAB, "--out", file.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals("the old logits", Files.readString(file));
    try (Stream<Path> files = Files.list(folder)) {
      assertEquals(List.of(file), files.toList());
    }
  }

  @Test
  void logitsIntoAMissingFolderFailsInWordsBeforeLoading() {
    Path file = tmp.resolve("no-such-folder/x.npy");
    CommandRun r = CommandRun.main("logits", "--model", plain.toString(), "--ids", "1", "--out", file.toString());
    assertEquals(1, r.code(), r.err());
    assertTrue(r.err().startsWith("error: cannot write " + file + ": "), r.err());
    assertTrue(r.err().contains("no such file or folder"), r.err());
    assertFalse(r.err().contains("Exception") || r.err().contains("java."), r.err());
  }

  @Test
  void generationStopsAtOnceWhenTheReaderGoesAwayAndExitsZero() {
    FailingOut stdout = new FailingOut(5, "Broken pipe");
    // A million tokens would take minutes; a closed pipe must end it after the first failed write.
    CommandRun r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> generateInto(stdout,
        "generate", "--model", plain.toString(), "--ids", "1,2", "--max-new-tokens", "1000000", "--max-context", "1000002"));
    assertEquals(0, r.code(), r.err());
    assertEquals("", r.err(), "a closed pipe is not an error");
    assertTrue(stdout.attempts <= 3, "kept writing after the pipe closed: " + stdout.attempts + " writes");
  }

  @Test
  void aStandardOutputThatCannotBeWrittenIsAnError() {
    FailingOut stdout = new FailingOut(5, "No space left on device");
    CommandRun r = generateInto(stdout, "generate", "--model", plain.toString(), "--ids", "1,2",
        "--max-new-tokens", "1000000", "--max-context", "1000002");
    assertEquals(1, r.code(), r.err());
    assertEquals("error: cannot write to standard output: No space left on device" + System.lineSeparator(), r.err());
    FailingOut json = new FailingOut(0, "No space left on device");
    CommandRun j = generateInto(json, "generate", "--model", plain.toString(), "--ids", "1", "--json");
    assertEquals(1, j.code(), "a lost JSON result is an error too: " + j.err());
  }

  @Test
  void outOfMemoryIsOneLineWithTheFix() {
    Command hungry = new Command() {
      @Override
      public String name() {
        return "logits";
      }

      @Override
      public String summary() {
        return "";
      }

      @Override
      public String usage() {
        return "";
      }

      @Override
      public int run(String[] args, PrintStream out, PrintStream err) {
        throw new OutOfMemoryError("Java heap space");
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(hungry, new String[0], new PrintStream(OutputStream.nullOutputStream()),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(1, code);
    assertEquals("error: out of memory (Java heap space) in 'logits': give Java more with -Xmx"
        + " (java -Xmx8g -jar alibi4j.jar ...) or use a smaller input" + System.lineSeparator(),
        err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void exceptionsAreSaidInWords() {
    assertEquals("x.npy: no such file or folder",
        Main.message(new UncheckedIOException(new NoSuchFileException("x.npy"))));
    assertEquals("bad value", Main.message(new RuntimeException(new IllegalStateException("bad value"))));
    assertEquals("internal error (NullPointerException without a message); please report it",
        Main.message(new NullPointerException()));
  }
}
