package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI as a separate process: pipes, signals and the locale are the operating system's. */
class CliProcessTest {

  @TempDir Path tmp;

  private static List<String> java(String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path")));
    command.addAll(List.of(args));
    return command;
  }

  private static String read(InputStream in) throws Exception {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void generateStopsWhenItsReaderClosesThePipeAndExitsZero() throws Exception {
    Path model = TinyBloom.random(tmp.resolve("model"), 272, 11);
    // A million tokens: minutes of work, unless generation stops when nobody reads.
    Process p = new ProcessBuilder(java("-Dalibi4j.cache=" + tmp.resolve("cache"), Main.class.getName(),
        "generate", "--model", model.toString(), "--ids", "1,2", "--max-new-tokens", "1000000", "--max-context", "1000002"))
        .redirectError(tmp.resolve("stderr.txt").toFile())
        .start();
    byte[] first = p.getInputStream().readNBytes(5); // as `| head -c5`
    p.getInputStream().close();
    assertEquals(5, first.length);
    boolean exited = p.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      p.destroyForcibly();
    }
    assertTrue(exited, "generate kept running after its standard output was closed");
    String err = Files.readString(tmp.resolve("stderr.txt"));
    assertEquals(0, p.exitValue(), err);
    assertFalse(err.contains("error") || err.contains("Exception"), err);
  }

  @Test
  void underTheCLocaleANonAsciiArgumentIsRefusedWithTheFix() throws Exception {
    // The shell passes the UTF-8 bytes of "é"; Java decodes them in the C locale's ASCII.
    List<String> command = new ArrayList<>(java(Main.class.getName(), "tokenize", "--model", tmp.toString(), "--text"));
    String line = String.join(" ", command.stream().map(a -> "'" + a + "'").toList()) + " \"$(printf '\\303\\251')\"";
    ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", line);
    b.environment().put("LC_ALL", "C");
    Process p = b.start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    String err = read(p.getErrorStream());
    assertEquals(2, p.exitValue(), err);
    assertTrue(err.contains("error: --text contains U+FFFD"), err);
    assertTrue(err.contains("LC_ALL=C") && err.contains("--text-file") && err.contains("LC_ALL=C.UTF-8"), err);
  }

  @Test
  void aTerminatedBenchLeavesNoTemporaryFolder() throws Exception {
    Path temp = Files.createDirectories(tmp.resolve("java-tmp"));
    Process p = new ProcessBuilder(java("-Djava.io.tmpdir=" + temp, Main.class.getName(),
        "bench", "--synthetic", "bloom-560m", "--threads", "1"))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(tmp.resolve("stderr.txt").toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (benchFolders(temp).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(benchFolders(temp).isEmpty(), "bench made no temporary folder: "
          + Files.readString(tmp.resolve("stderr.txt")));
      p.destroy(); // SIGTERM, as Ctrl-C's SIGINT: shutdown hooks run, finally blocks do not
      assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bench did not stop");
    } finally {
      p.destroyForcibly();
    }
    assertEquals(List.of(), benchFolders(temp), "left behind in java.io.tmpdir");
  }

  private static List<Path> benchFolders(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("alibi4j-bench-")).toList();
    }
  }
}
