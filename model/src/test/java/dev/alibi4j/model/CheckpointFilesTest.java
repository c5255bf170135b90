package dev.alibi4j.model;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.alibi4j.model.safetensors.SafetensorsCheckpoint;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A file of the checkpoint that cannot be read is reported with the operating system's reason,
 * not as missing. Permission tests skip when permissions do not apply (running as root).
 */
class CheckpointFilesTest {

  @TempDir Path dir;

  private Path locked;
  private Set<PosixFilePermission> lockedWas;

  /** Takes every permission from {@code p}; skips the test when that does not stop reading it. */
  private void lock(Path p) throws IOException {
    lockedWas = Files.getPosixFilePermissions(p);
    locked = p;
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("---------"));
    assumeFalse(Files.isReadable(p), "permissions do not apply to this user (root)");
  }

  @AfterEach
  void unlock() throws IOException {
    if (locked != null) {
      Files.setPosixFilePermissions(locked, lockedWas); // so that the folder can be deleted
    }
  }

  private CheckpointException loadFails() {
    return assertThrows(CheckpointException.class, () -> Checkpoint.load(dir).close());
  }

  private static void assertSaysWhy(CheckpointException e, Path file, String reason) {
    assertMentions(e, file.toString(), "cannot read", reason);
    assertFalse(e.getMessage().contains("Exception"), "no Java class name: " + e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"config.json", "generation_config.json", "tokenizer.json",
      "model.safetensors"})
  void anUnreadableFileSaysPermissionDenied(String name) throws IOException {
    TinyCheckpoints.bloom().write(dir);
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      Files.writeString(file, "{}");
    }
    lock(file);
    assertSaysWhy(loadFails(), file, "permission denied");
  }

  @Test
  void anUnreadableFolderSaysPermissionDeniedNotNotFound() throws IOException {
    TinyCheckpoints.bloom().write(dir);
    lock(dir);
    CheckpointException e = loadFails();
    assertSaysWhy(e, dir.resolve("config.json"), "permission denied");
    assertFalse(e.getMessage().contains("not found"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"model-00001-of-00002.safetensors", SafetensorsCheckpoint.INDEX_FILE})
  void anUnreadableShardOrIndexSaysPermissionDenied(String name) throws IOException {
    TinyCheckpoints.bloom().shards(2).write(dir);
    lock(dir.resolve(name));
    assertSaysWhy(loadFails(), dir.resolve(name), "permission denied");
  }

  @ParameterizedTest
  @ValueSource(strings = {"config.json", "generation_config.json", "tokenizer.json",
      "model.safetensors"})
  void aFolderInPlaceOfAFileSaysIsADirectory(String name) throws IOException {
    TinyCheckpoints.bloom().write(dir);
    Path file = dir.resolve(name);
    Files.deleteIfExists(file);
    Files.createDirectory(file);
    assertSaysWhy(loadFails(), file, "is a directory");
  }

  @Test
  void aShardThatIsAFolderSaysIsADirectory() throws IOException {
    TinyCheckpoints.bloom().shards(2).write(dir);
    Path shard = dir.resolve("model-00002-of-00002.safetensors");
    Files.delete(shard);
    Files.createDirectory(shard);
    assertSaysWhy(loadFails(), shard, "is a directory");
  }

  @Test
  void aCheckpointPathThatIsAFileSaysNotADirectory() throws IOException {
    Path file = Files.writeString(dir.resolve("model"), "x");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(file));
    assertMentions(e, file.toString(), "not a directory");
  }

  @Test
  void aSymbolicLinkLoopSaysSo() throws IOException {
    TinyCheckpoints.bloom().write(dir);
    Path config = dir.resolve("config.json");
    Files.delete(config);
    Files.createSymbolicLink(config, dir.resolve("loop.json"));
    Files.createSymbolicLink(dir.resolve("loop.json"), config);
    assertSaysWhy(loadFails(), config, "too many levels of symbolic links");
  }

  /** An optional file that is a link to nothing is reported, not silently skipped. */
  @ParameterizedTest
  @ValueSource(strings = {"generation_config.json", "tokenizer.json"})
  void aDanglingLinkToAnOptionalFileIsReported(String name) throws IOException {
    TinyCheckpoints.bloom().write(dir);
    Path file = dir.resolve(name);
    Files.createSymbolicLink(file, dir.resolve("gone.json"));
    assertMentions(loadFails(), file.toString(), "not found", "symbolic link to a missing file");
  }
}
