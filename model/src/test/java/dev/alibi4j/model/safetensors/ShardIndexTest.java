package dev.alibi4j.model.safetensors;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.model.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shard index may name only files in the checkpoint folder, each tensor once. */
class ShardIndexTest {

  @TempDir Path root;

  Path dir;

  @BeforeEach
  void writeShard() throws IOException {
    dir = Files.createDirectories(root.resolve("ckpt"));
    new SafetensorsWriter()
        .add("a", SafetensorsDtype.F32, new long[] {2}, new float[] {1, 2})
        .write(dir.resolve("model-00001-of-00001.safetensors"));
    // A valid safetensors file outside the folder: the index must not reach it.
    new SafetensorsWriter()
        .add("a", SafetensorsDtype.F32, new long[] {2}, new float[] {1, 2})
        .write(root.resolve("outside.safetensors"));
  }

  private void writeIndex(String weightMap) throws IOException {
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), "{\"weight_map\": " + weightMap + "}");
  }

  private CheckpointException refused() {
    return assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir).close());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/etc/passwd", "../outside.safetensors", "..", ".", "",
      "sub/model.safetensors", "./model-00001-of-00001.safetensors", "..\\\\outside.safetensors",
      "model\\u0000.safetensors"})
  void namesOutsideTheFolderAreRefused(String name) throws IOException {
    writeIndex("{\"a\": \"" + name + "\"}");
    CheckpointException e = refused();
    assertMentions(e, dir.resolve(SafetensorsCheckpoint.INDEX_FILE).toString(), "'a'",
        "plain file name in the checkpoint folder");
  }

  @Test
  void anAbsolutePathToTheFolderItselfIsRefusedToo() throws IOException {
    writeIndex("{\"a\": \"" + dir.resolve("model-00001-of-00001.safetensors") + "\"}");
    assertMentions(refused(), "'a'", "plain file name");
  }

  @Test
  void aTensorMappedToTwoFilesIsRefused() throws IOException {
    writeIndex("{\"a\": \"model-00001-of-00001.safetensors\", \"a\": \"other.safetensors\"}");
    assertMentions(refused(), SafetensorsCheckpoint.INDEX_FILE, "duplicate key \"a\"", "$.weight_map");
  }

  /** Hugging Face cache snapshots are links into ../../blobs: links are followed (documented). */
  @Test
  void aSymbolicLinkInTheFolderIsFollowedWhereverItPoints() throws IOException {
    Files.createSymbolicLink(dir.resolve("linked.safetensors"), root.resolve("outside.safetensors"));
    writeIndex("{\"a\": \"linked.safetensors\"}");
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertEquals(Set.of("a"), c.tensorNames());
      assertEquals(dir.resolve("linked.safetensors"), c.fileOf("a"));
    }
  }

  @Test
  void lenientIndexJsonIsRefused() throws IOException {
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"weight_map\": {\"a\": \"model-00001-of-00001.safetensors\",},}");
    assertMentions(refused(), SafetensorsCheckpoint.INDEX_FILE, "corrupt JSON", "trailing comma");
  }
}
