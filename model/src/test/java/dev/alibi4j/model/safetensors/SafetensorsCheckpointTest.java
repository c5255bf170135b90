package dev.alibi4j.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.model.CheckpointException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsCheckpointTest {

  @TempDir Path dir;

  private static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  private void writeShards() throws IOException {
    new SafetensorsWriter()
        .add("a", SafetensorsDtype.F32, new long[] {2}, new float[] {1, 2})
        .write(dir.resolve("model-00001-of-00002.safetensors"));
    new SafetensorsWriter()
        .add("b", SafetensorsDtype.BF16, new long[] {3}, new float[] {3, 4, 5})
        .write(dir.resolve("model-00002-of-00002.safetensors"));
    writeIndex("{\"a\": \"model-00001-of-00002.safetensors\","
        + " \"b\": \"model-00002-of-00002.safetensors\"}");
  }

  private void writeIndex(String weightMap) throws IOException {
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE),
        "{\"metadata\": {\"total_size\": 20}, \"weight_map\": " + weightMap + "}");
  }

  @Test
  void readsTensorsAcrossShards() throws IOException {
    writeShards();
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertEquals(Set.of("a", "b"), c.tensorNames());
      assertEquals(2, c.files().size());
      assertEquals(dir.resolve("model-00002-of-00002.safetensors"), c.fileOf("b"));
      assertArrayEquals(new float[] {1, 2}, c.read("a", m, DataType.FLOAT32).toFloatArray());
      assertArrayEquals(new float[] {3, 4, 5}, c.read("b", m, DataType.FLOAT32).toFloatArray());
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment b = c.map("b", arena); // BF16 bits as stored, from the second shard
        assertArrayEquals(new short[] {0x4040, 0x4080, 0x40A0}, b.toArray(
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN)));
      }
    }
  }

  @Test
  void singleFileWinsOverAnIndex() throws IOException {
    writeShards();
    new SafetensorsWriter()
        .add("c", SafetensorsDtype.F32, new long[] {1}, new float[] {7})
        .write(dir.resolve(SafetensorsCheckpoint.SINGLE_FILE));
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      assertEquals(Set.of("c"), c.tensorNames());
    }
  }

  @Test
  void missingShardIsNamed() throws IOException {
    writeShards();
    Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
    assertMentions(e, SafetensorsCheckpoint.INDEX_FILE, "model-00002-of-00002.safetensors",
        "'b'", "does not exist");
  }

  @Test
  void tensorListedButAbsentFromItsShard() throws IOException {
    writeShards();
    writeIndex("{\"a\": \"model-00001-of-00002.safetensors\","
        + " \"b\": \"model-00001-of-00002.safetensors\"}");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
    assertMentions(e, SafetensorsCheckpoint.INDEX_FILE, "'b'", "model-00001-of-00002.safetensors",
        "absent");
  }

  @Test
  void corruptIndex() throws IOException {
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), "{\"weight_map\": ");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
    assertMentions(e, SafetensorsCheckpoint.INDEX_FILE, "corrupt JSON");
    Files.writeString(dir.resolve(SafetensorsCheckpoint.INDEX_FILE), "{\"metadata\": {}}");
    e = assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
    assertMentions(e, SafetensorsCheckpoint.INDEX_FILE, "weight_map");
  }

  @Test
  void noWeightsAtAll() throws IOException {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafetensorsCheckpoint.open(dir));
    assertMentions(e, dir.toString(), SafetensorsCheckpoint.SINGLE_FILE, SafetensorsCheckpoint.INDEX_FILE);
  }

  @Test
  void unknownTensorNamesTheFilesSearched() throws IOException {
    writeShards();
    try (SafetensorsCheckpoint c = SafetensorsCheckpoint.open(dir)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> c.info("zzz"));
      assertMentions(e, "'zzz'", "model-00001-of-00002.safetensors",
          "model-00002-of-00002.safetensors");
    }
  }
}
