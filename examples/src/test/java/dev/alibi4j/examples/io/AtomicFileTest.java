package dev.alibi4j.examples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

  @TempDir Path dir;

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replacesTheFileAndLeavesNothingElse() throws Exception {
    Path file = Files.writeString(dir.resolve("out.npy"), "old");
    AtomicFile.write(file, tmp -> Files.writeString(tmp, "new"));
    assertEquals("new", Files.readString(file));
    assertEquals(List.of("out.npy"), names());
  }

  @Test
  void aFailureHalfwayKeepsTheOldFileAndRemovesTheTemporaryOne() throws Exception {
    Path file = Files.writeString(dir.resolve("out.npy"), "old content");
    IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, tmp -> {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(new byte[1000]);
        throw new IOException("No space left on device"); // what a full disk says
      }
    }));
    assertEquals("old content", Files.readString(file));
    assertEquals(List.of("out.npy"), names(), "the temporary file must be gone");
    assertTrue(e.getMessage().startsWith("cannot write " + file + ": No space left on device"), e.getMessage());
    assertTrue(e.getMessage().contains("the existing file is unchanged"), e.getMessage());
  }

  @Test
  void aRuntimeFailureAlsoRemovesTheTemporaryFile() throws Exception {
    Path file = dir.resolve("new.npy");
    assertThrows(IllegalStateException.class, () -> AtomicFile.write(file, tmp -> {
      Files.writeString(tmp, "partial");
      throw new IllegalStateException("computation failed");
    }));
    assertEquals(List.of(), names());
  }

  @Test
  void aMissingFolderIsSaidInWordsBeforeAnyWork() {
    Path file = dir.resolve("no-such-folder/out.npy");
    boolean[] called = {false};
    IOException e = assertThrows(IOException.class, () -> AtomicFile.write(file, tmp -> called[0] = true));
    assertFalse(called[0], "nothing may be computed for a file that cannot be written");
    assertTrue(e.getMessage().contains("no such file or folder"), e.getMessage());
    assertFalse(e.getMessage().contains("Exception") || e.getMessage().contains("java."), e.getMessage());
    IOException check = assertThrows(IOException.class, () -> AtomicFile.checkWritable(file));
    assertTrue(check.getMessage().contains("no such file or folder"), check.getMessage());
  }

  @Test
  void aFolderIsNotAFile() {
    IOException e = assertThrows(IOException.class, () -> AtomicFile.checkWritable(dir));
    assertTrue(e.getMessage().endsWith("it is a folder"), e.getMessage());
  }
}
