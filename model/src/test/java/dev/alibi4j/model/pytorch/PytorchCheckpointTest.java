package dev.alibi4j.model.pytorch;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static dev.alibi4j.model.testing.TorchBinWriter.bf16;
import static dev.alibi4j.model.testing.TorchBinWriter.f16;
import static dev.alibi4j.model.testing.TorchBinWriter.f32;
import static dev.alibi4j.model.testing.TorchBinWriter.i64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.safetensors.HalfFloats;
import dev.alibi4j.model.testing.TorchBinWriter;
import dev.alibi4j.model.weights.StoredTensor;
import dev.alibi4j.model.weights.WeightLoader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Valid {@code .bin} checkpoints: every value read back through {@code map}, every description. */
class PytorchCheckpointTest {

  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @TempDir Path dir;

  private static float[] range(int n, float from) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = from + i * 0.5f;
    }
    return v;
  }

  /** The values of {@code name}, whole, decoded from its stored type. */
  private static float[] values(PytorchCheckpoint c, String name) {
    StoredTensor t = c.describe(name);
    WeightType type = t.type().orElseThrow();
    long bytes = t.numel() * (type == WeightType.F32 ? 4 : 2);
    try (Arena arena = Arena.ofConfined()) {
      return decode(c.map(name, 0, bytes, arena), type);
    }
  }

  private static float[] decode(MemorySegment s, WeightType type) {
    if (type == WeightType.F32) {
      float[] v = new float[(int) (s.byteSize() / 4)];
      for (int i = 0; i < v.length; i++) {
        v[i] = s.get(F32, 4L * i);
      }
      return v;
    }
    float[] v = new float[(int) (s.byteSize() / 2)];
    for (int i = 0; i < v.length; i++) {
      short h = s.get(SHORT, 2L * i);
      v[i] = type == WeightType.F16 ? HalfFloats.halfToFloat(h) : HalfFloats.bf16ToFloat(h);
    }
    return v;
  }

  private PytorchCheckpoint open(TorchBinWriter w) {
    w.write(dir.resolve(PytorchCheckpoint.SINGLE_FILE));
    return PytorchCheckpoint.open(dir);
  }

  @Test
  void singleFile() {
    Path file = dir.resolve(PytorchCheckpoint.SINGLE_FILE);
    try (PytorchCheckpoint c = open(new TorchBinWriter()
        .storage("0", "FloatStorage", f32(range(6, 1))).tensor("w", "0", 2, 3)
        .storage("1", "FloatStorage", f32(-1, -2)).tensor("b", "1", 2))) {
      assertEquals(List.of(file), c.files());
      assertEquals(List.of("w", "b"), List.copyOf(c.tensorNames()));
      assertTrue(c.contains("w") && !c.contains("x"));
      StoredTensor w = c.describe("w");
      assertEquals("F32", w.dtype());
      assertEquals(Optional.of(WeightType.F32), w.type());
      assertArrayEquals(new long[] {2, 3}, w.shape());
      assertEquals(file, w.file());
      assertArrayEquals(range(6, 1), values(c, "w"));
      assertArrayEquals(new float[] {-1, -2}, values(c, "b"));
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment s = c.map("w", 4, 8, arena);
        assertTrue(s.isMapped() && s.isReadOnly(), "contiguous tensors are mapped, read-only");
        assertArrayEquals(new float[] {1.5f, 2f}, decode(s, WeightType.F32));
      }
    }
  }

  @Test
  void shardsListedByAnIndex() throws IOException {
    new TorchBinWriter().storage("0", "FloatStorage", f32(1, 2)).tensor("a", "0", 2)
        .write(dir.resolve("pytorch_model-00001-of-00002.bin"));
    new TorchBinWriter().storage("0", "FloatStorage", f32(3, 4, 5)).tensor("b", "0", 3)
        .storage("1", "FloatStorage", f32(6)).tensor("c", "1", 1)
        .write(dir.resolve("pytorch_model-00002-of-00002.bin"));
    Files.writeString(dir.resolve(PytorchCheckpoint.INDEX_FILE), """
        {"metadata": {"total_size": 24}, "weight_map": {
          "a": "pytorch_model-00001-of-00002.bin",
          "b": "pytorch_model-00002-of-00002.bin",
          "c": "pytorch_model-00002-of-00002.bin"}}""");
    assertTrue(PytorchCheckpoint.present(dir));
    try (PytorchCheckpoint c = PytorchCheckpoint.open(dir)) {
      assertEquals(2, c.files().size());
      assertEquals(dir.resolve("pytorch_model-00002-of-00002.bin"), c.describe("c").file());
      assertArrayEquals(new float[] {1, 2}, values(c, "a"));
      assertArrayEquals(new float[] {3, 4, 5}, values(c, "b"));
      assertArrayEquals(new float[] {6}, values(c, "c"));
    }
  }

  @Test
  void presentAndAbsent() throws IOException {
    assertFalse(PytorchCheckpoint.present(dir));
    CheckpointException e = assertThrows(CheckpointException.class, () -> PytorchCheckpoint.open(dir));
    assertMentions(e, "pytorch_model.bin", "pytorch_model.bin.index.json", dir.toString());
    Files.writeString(dir.resolve(PytorchCheckpoint.INDEX_FILE), "{}");
    assertTrue(PytorchCheckpoint.present(dir));
  }

  @Test
  void tensorsSharingOneStorageAtDifferentOffsets() {
    try (PytorchCheckpoint c = open(new TorchBinWriter()
        .storage("0", "FloatStorage", f32(range(12, 0)))
        .tensor("first", "0", 0, new long[] {4}, new long[] {1})
        .tensor("second", "0", 4, new long[] {2, 3}, new long[] {3, 1})
        .tensor("last", "0", 11, new long[] {1, 1}, new long[] {7, 9}))) { // size-1 strides do not matter
      assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f}, values(c, "first"));
      assertArrayEquals(new float[] {2, 2.5f, 3, 3.5f, 4, 4.5f}, values(c, "second"));
      assertArrayEquals(new float[] {5.5f}, values(c, "last"));
      try (Arena arena = Arena.ofConfined()) {
        assertArrayEquals(new float[] {3.5f, 4},
            decode(c.map("second", 12, 8, arena), WeightType.F32), "a window of a view");
        assertTrue(c.map("last", 0, 4, arena).isMapped());
      }
    }
  }

  @Test
  void tiedWeightsShareTheirStorage() {
    try (PytorchCheckpoint c = open(new TorchBinWriter()
        .storage("0", "HalfStorage", f16(range(8, -2)))
        .tensor("transformer.word_embeddings.weight", "0", 4, 2)
        .tensor("lm_head.weight", "0", 4, 2))) {
      assertArrayEquals(values(c, "transformer.word_embeddings.weight"), values(c, "lm_head.weight"));
      assertArrayEquals(range(8, -2), values(c, "lm_head.weight"));
    }
  }

  @Test
  void nonContiguousViewsAreCopiedRowMajor() {
    // storage [[0 .. 5], [6 .. 11]] as a 2x6 matrix
    try (PytorchCheckpoint c = open(new TorchBinWriter()
        .storage("0", "FloatStorage", f32(range(12, 0)))
        .tensor("transposed", "0", 0, new long[] {6, 2}, new long[] {1, 6})
        .tensor("everyOtherColumn", "0", 1, new long[] {2, 3}, new long[] {6, 2})
        .tensor("broadcast", "0", 2, new long[] {3, 2}, new long[] {0, 1}))) {
      assertArrayEquals(new float[] {0, 3, 0.5f, 3.5f, 1, 4, 1.5f, 4.5f, 2, 5, 2.5f, 5.5f},
          values(c, "transposed"));
      assertArrayEquals(new float[] {0.5f, 1.5f, 2.5f, 3.5f, 4.5f, 5.5f}, values(c, "everyOtherColumn"));
      assertArrayEquals(new float[] {1, 1.5f, 1, 1.5f, 1, 1.5f}, values(c, "broadcast"));
      assertArrayEquals(new long[] {6, 2}, c.describe("transposed").shape());
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment window = c.map("transposed", 12, 16, arena);
        assertFalse(window.isMapped(), "copied into the arena");
        assertTrue(window.isReadOnly());
        assertArrayEquals(new float[] {3.5f, 1, 4, 1.5f}, decode(window, WeightType.F32));
        // a window cutting elements: the bytes still line up
        MemorySegment cut = c.map("transposed", 6, 4, arena);
        assertArrayEquals(c.map("transposed", 4, 8, arena).asSlice(2, 4).toArray(ValueLayout.JAVA_BYTE),
            cut.toArray(ValueLayout.JAVA_BYTE));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"FloatStorage", "HalfStorage", "BFloat16Storage"})
  void loadableStorageTypes(String storage) {
    float[] v = {1.1f, -2.7f, 3e-3f, 65000f, -0.0f, 1e-8f};
    byte[] bytes = switch (storage) {
      case "FloatStorage" -> f32(v);
      case "HalfStorage" -> f16(v);
      default -> bf16(v);
    };
    WeightType type = switch (storage) {
      case "FloatStorage" -> WeightType.F32;
      case "HalfStorage" -> WeightType.F16;
      default -> WeightType.BF16;
    };
    try (PytorchCheckpoint c = open(new TorchBinWriter().storage("0", storage, bytes).tensor("t", "0", 3, 2))) {
      assertEquals(type.name(), c.describe("t").dtype());
      assertEquals(Optional.of(type), c.describe("t").type());
      try (Arena arena = Arena.ofConfined()) {
        assertArrayEquals(bytes, c.map("t", 0, bytes.length, arena).toArray(ValueLayout.JAVA_BYTE));
      }
      assertArrayEquals(decode(MemorySegment.ofArray(bytes), type), values(c, "t"));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 62})
  void entryAtAnyAlignment(int shift) throws IOException {
    Path file = new TorchBinWriter().shift("data/0", shift)
        .storage("0", "FloatStorage", f32(range(5, 3))).tensor("t", "0", 5)
        .write(dir.resolve(PytorchCheckpoint.SINGLE_FILE));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ZipArchive zip = ZipArchive.read(file, ch);
      assertEquals(shift, zip.dataOffset(zip.entries().get("archive/data/0")) % 64);
    }
    try (PytorchCheckpoint c = PytorchCheckpoint.open(dir)) {
      assertArrayEquals(range(5, 3), values(c, "t"));
    }
  }

  @Test
  void zip64Records() throws IOException {
    Path file = new TorchBinWriter().zip64()
        .storage("0", "FloatStorage", f32(range(6, 1))).tensor("w", "0", 3, 2)
        .write(dir.resolve(PytorchCheckpoint.SINGLE_FILE));
    try (ZipFile zip = new ZipFile(file.toFile())) { // the writer's ZIP64 is standard
      assertEquals(24, zip.getEntry("archive/data/0").getSize());
      assertArrayEquals(f32(range(6, 1)), zip.getInputStream(zip.getEntry("archive/data/0")).readAllBytes());
    }
    try (PytorchCheckpoint c = PytorchCheckpoint.open(dir)) {
      assertArrayEquals(range(6, 1), values(c, "w"));
    }
  }

  @Test
  void archiveNamedAfterTheFile() {
    try (PytorchCheckpoint c = open(new TorchBinWriter("pytorch_model")
        .storage("0", "FloatStorage", f32(1)).tensor("t", "0", 1))) {
      assertArrayEquals(new float[] {1}, values(c, "t"));
    }
  }

  @Test
  void parametersPlainDictsModuleMetadataAndProtocol4() {
    for (TorchBinWriter w : List.of(
        new TorchBinWriter().plainDict(),
        new TorchBinWriter().moduleMetadata(),
        new TorchBinWriter().protocol(4).moduleMetadata())) {
      try (PytorchCheckpoint c = open(w.storage("0", "FloatStorage", f32(range(6, 1)))
          .storage("1", "BFloat16Storage", bf16(7, 8))
          .tensor("w", "0", 2, 3).parameter("p", "1", 2))) {
        assertArrayEquals(range(6, 1), values(c, "w"));
        assertArrayEquals(new float[] {7, 8}, values(c, "p"));
        assertEquals("BF16", c.describe("p").dtype());
      }
    }
  }

  @Test
  void otherElementTypesAreDescribedByNameAndRefusedByTheLoader() {
    try (PytorchCheckpoint c = open(new TorchBinWriter()
        .storage("0", "LongStorage", i64(1, 2, 3)).tensor("position_ids", "0", 1, 3)
        .storage("1", "torch.storage", "UntypedStorage", new byte[8], 8)
        .tensorV3("counts", "1", "uint16", 4)
        .storage("2", "FloatStorage", f32(1, 2)).tensor("w", "2", 2))) {
      StoredTensor ids = c.describe("position_ids");
      assertEquals("I64", ids.dtype());
      assertEquals(Optional.empty(), ids.type());
      assertArrayEquals(new long[] {1, 3}, ids.shape());
      try (Arena arena = Arena.ofConfined()) {
        assertArrayEquals(i64(1, 2, 3), c.map("position_ids", 0, 24, arena).toArray(ValueLayout.JAVA_BYTE));
      }
      assertEquals("U16", c.describe("counts").dtype());
      assertArrayEquals(new long[] {4}, c.describe("counts").shape());
      WeightLoader loader = new WeightLoader(c, null, null, null);
      assertMentions(assertThrows(CheckpointException.class, () -> loader.load("position_ids", 1, 3)),
          "'position_ids'", "I64", dir.resolve("pytorch_model.bin").toString());
      assertMentions(assertThrows(CheckpointException.class, () -> loader.load("counts", 4)), "U16");
      assertArrayEquals(new float[] {1, 2}, values(c, "w"), "other tensors still load");
    }
  }

  @Test
  void mapsOnlyWithinTheTensor() {
    try (PytorchCheckpoint c = open(new TorchBinWriter()
        .storage("0", "FloatStorage", f32(range(8, 0))).tensor("t", "0", 2, 2));
        Arena arena = Arena.ofConfined()) {
      assertThrows(IndexOutOfBoundsException.class, () -> c.map("t", 8, 12, arena));
      assertMentions(assertThrows(CheckpointException.class, () -> c.describe("absent")),
          "'absent'", "not found");
    }
  }

  @Test
  void readOnlyFiles() throws IOException {
    Path file = new TorchBinWriter().storage("0", "FloatStorage", f32(1, 2)).tensor("t", "0", 2)
        .write(dir.resolve(PytorchCheckpoint.SINGLE_FILE));
    assertTrue(file.toFile().setWritable(false, false));
    try (PytorchCheckpoint c = PytorchCheckpoint.open(dir)) {
      assertArrayEquals(new float[] {1, 2}, values(c, "t"));
    }
  }
}
