package dev.alibi4j.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.model.testing.RawSafetensors;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SafetensorsFileTest {

  private static final ValueLayout.OfFloat LE_FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  @TempDir Path dir;

  private static float[] random(int n, long seed) {
    Random r = new Random(seed);
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (r.nextGaussian() * 3);
    }
    return v;
  }

  /** What a FLOAT32 load of {@code values} stored as {@code dtype} must return, bit for bit. */
  private static float[] stored(SafetensorsDtype dtype, float[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = switch (dtype) {
        case F32 -> values[i];
        case F16 -> HalfFloats.halfToFloat(HalfFloats.floatToHalf(values[i]));
        case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(values[i]));
        default -> throw new IllegalArgumentException();
      };
    }
    return out;
  }

  /** What a FLOAT16 load must return: the stored value rounded to half, widened back. */
  private static float[] asHalf(float[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = HalfFloats.halfToFloat(HalfFloats.floatToHalf(values[i]));
    }
    return out;
  }

  private static float[] floats(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }

  @Test
  void writesAlignedHeaderAndMetadata() throws IOException {
    Path file = dir.resolve("a.safetensors");
    new SafetensorsWriter()
        .putMetadata("format", "pt")
        .add("half", SafetensorsDtype.F16, new long[] {3}, new float[] {1, 2, 3})
        .add("w", SafetensorsDtype.F32, new long[] {2, 3}, random(6, 1))
        .add("b", SafetensorsDtype.BF16, new long[] {5}, random(5, 2))
        .write(file);
    ByteBuffer head = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long headerLength = head.getLong(0);
    assertEquals(0, (8 + headerLength) % 8, "data region starts 8-byte aligned");
    assertFalse(Files.exists(dir.resolve("a.safetensors.tmp")));
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      assertEquals(Map.of("format", "pt"), f.metadata());
      TensorInfo w = f.info("w");
      assertEquals(SafetensorsDtype.F32, w.dtype());
      assertArrayEquals(new long[] {2, 3}, w.shape());
      assertEquals(0, w.begin(), "widest dtype first");
      assertEquals(24, w.byteLength());
      assertEquals(SafetensorsDtype.F16, f.info("half").dtype());
      assertEquals(SafetensorsDtype.BF16, f.info("b").dtype());
      assertEquals(3, f.tensorNames().size());
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void readsEveryStorageTypeAsFloat32AndFloat16(SafetensorsDtype dtype) throws IOException {
    float[] values = random(35, 3);
    Path file = dir.resolve("t.safetensors");
    new SafetensorsWriter().add("x", dtype, new long[] {5, 7}, values).write(file);
    float[] expected = stored(dtype, values);
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x32 = f.read("x", m, DataType.FLOAT32);
      assertEquals(DataType.FLOAT32, x32.getDataType());
      assertEquals(new Shape(5, 7), x32.getShape());
      assertArrayEquals(expected, x32.toFloatArray());
      NDArray x16 = f.read("x", m, DataType.FLOAT16);
      assertEquals(DataType.FLOAT16, x16.getDataType());
      assertEquals(new Shape(5, 7), x16.getShape());
      assertArrayEquals(asHalf(expected), floats(x16));
    }
  }

  @Test
  void bf16LoadsAsTheShiftedBitsOfEveryStoredPattern() throws IOException {
    // Raw BF16 bit patterns (not produced by rounding) must load as bits << 16, exactly.
    int n = 1 << 16;
    ByteBuffer data = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
    for (int bits = 0; bits < n; bits++) {
      data.putShort((short) bits);
    }
    Path file = RawSafetensors.write(dir.resolve("bf16.safetensors"),
        "{\"x\":{\"dtype\":\"BF16\",\"shape\":[" + n + "],\"data_offsets\":[0," + 2 * n + "]}}",
        data.array());
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      float[] loaded = f.read("x", m, DataType.FLOAT32).toFloatArray();
      for (int bits = 0; bits < n; bits++) {
        assertEquals(bits << 16, Float.floatToRawIntBits(loaded[bits]), "bits " + bits);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void chunkedPathMatchesAcrossChunkAndWindowBoundaries(SafetensorsDtype dtype) throws IOException {
    float[] values = random(7 * 11, 4);
    Path file = dir.resolve("c.safetensors");
    new SafetensorsWriter()
        .add("pad", SafetensorsDtype.F16, new long[] {1}, new float[] {9})
        .add("x", dtype, new long[] {7, 11}, values)
        .write(file);
    float[] expected = stored(dtype, values);
    // 3 elements per chunk, 2 chunks per window: 77 elements cross many boundaries.
    TensorReader tiny = new TensorReader(12, 24);
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray x32 = f.read("x", m, DataType.FLOAT32, tiny);
      assertEquals(new Shape(7, 11), x32.getShape());
      assertArrayEquals(expected, x32.toFloatArray());
      NDArray x16 = f.read("x", m, DataType.FLOAT16, tiny);
      assertEquals(DataType.FLOAT16, x16.getDataType());
      assertArrayEquals(asHalf(expected), floats(x16));
    }
  }

  @Test
  void misalignedF32IsCopiedNotShared() throws IOException {
    // An F16 tensor of 3 elements puts the F32 tensor at data offset 6: not 4-byte aligned.
    byte[] half = {0, 0x3C, 0, 0x40, 0, 0x42}; // 1, 2, 3
    float[] values = {1.5f, -2.25f, 1e-3f, 7f};
    String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},"
        + "\"x\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[6,22]}}";
    while ((8 + header.length()) % 8 != 0) {
      header += " ";
    }
    Path file = RawSafetensors.write(dir.resolve("m.safetensors"), header,
        RawSafetensors.concat(half, RawSafetensors.f32(values)));
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertArrayEquals(values, f.read("x", m, DataType.FLOAT32).toFloatArray());
      assertArrayEquals(new float[] {1, 2, 3}, floats(f.read("h", m, DataType.FLOAT32)));
    }
  }

  @Test
  void mappedTensorsAreReadOnlyAndOutliveTheFile() throws IOException {
    float[] values = random(12, 5);
    Path file = dir.resolve("z.safetensors");
    new SafetensorsWriter()
        .add("pad", SafetensorsDtype.F32, new long[] {3}, new float[] {1, 2, 3}) // x starts at byte 12
        .add("x", SafetensorsDtype.F32, new long[] {3, 4}, values)
        .write(file);
    byte[] before = Files.readAllBytes(file);
    MemorySegment x;
    try (Arena arena = Arena.ofConfined()) {
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        x = f.map("x", arena);
      }
      assertTrue(x.isMapped(), "the file's pages, not a copy");
      assertEquals(12 * 4, x.byteSize());
      assertArrayEquals(values, x.toArray(LE_FLOAT), "readable after the file is closed");
      assertTrue(x.isReadOnly());
      assertThrows(IllegalArgumentException.class, () -> x.set(ValueLayout.JAVA_BYTE, 0, (byte) 1));
      assertArrayEquals(before, Files.readAllBytes(file));
    }
    assertFalse(x.scope().isAlive(), "closing the arena unmaps the tensor");
  }

  @Test
  void readOnlyFilesOpenMapAndCopy() throws IOException {
    float[] values = random(12, 8);
    Path file = dir.resolve("ro.safetensors");
    new SafetensorsWriter().add("x", SafetensorsDtype.F32, new long[] {3, 4}, values).write(file);
    byte[] before = Files.readAllBytes(file);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch");
        Arena arena = Arena.ofConfined()) {
      NDArray x = f.read("x", m, DataType.FLOAT32);
      assertArrayEquals(values, x.toFloatArray());
      x.addi(1f); // a copy: must not fault on the read-only file
      assertEquals(values[0] + 1f, x.toFloatArray()[0]);
      MemorySegment mapped = f.map("x", arena);
      assertTrue(mapped.isReadOnly());
      assertArrayEquals(values, mapped.toArray(LE_FLOAT));
    }
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void scalarsAndEmptyTensorsLoad() throws IOException {
    Path file = dir.resolve("s.safetensors");
    new SafetensorsWriter()
        .add("scalar", SafetensorsDtype.BF16, new long[] {}, new float[] {2.5f})
        .add("empty", SafetensorsDtype.F32, new long[] {0, 4}, new float[] {})
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray scalar = f.read("scalar", m, DataType.FLOAT32);
      assertEquals(new Shape(), scalar.getShape());
      assertEquals(2.5f, scalar.getFloat());
      NDArray empty = f.read("empty", m, DataType.FLOAT32);
      assertEquals(new Shape(0, 4), empty.getShape());
    }
  }

  @Test
  void writesNdArrays() throws IOException {
    Path file = dir.resolve("nd.safetensors");
    float[] values = random(6, 6);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(values, new Shape(2, 3));
      new SafetensorsWriter()
          .add("a", SafetensorsDtype.F32, a)
          .add("a16", SafetensorsDtype.F16, a.toType(DataType.FLOAT16, true))
          .write(file);
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        assertArrayEquals(new long[] {2, 3}, f.info("a").shape());
        assertArrayEquals(values, f.read("a", m, DataType.FLOAT32).toFloatArray());
        assertArrayEquals(
            stored(SafetensorsDtype.F16, values), floats(f.read("a16", m, DataType.FLOAT32)));
      }
    }
    assertTrue(Files.size(file) > 8);
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void generatedValuesSpanningSeveralBuffersRoundTrip(SafetensorsDtype dtype) throws IOException {
    int n = 700_001; // > 2 MiB of F32: the 1 MiB I/O buffer is refilled, the last time partly
    float[] expected = new float[n];
    for (int i = 0; i < n; i++) {
      expected[i] = (float) Math.sin(i * 0.001) * 5;
    }
    Path file = dir.resolve("generated.safetensors");
    new SafetensorsWriter()
        .add("small", SafetensorsDtype.F32, new long[] {2}, new float[] {1, 2})
        .add("g", dtype, new long[] {n}, (start, out, count) -> {
          for (int i = 0; i < count; i++) {
            out[i] = (float) Math.sin((start + i) * 0.001) * 5;
          }
        })
        .write(file);
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      assertArrayEquals(stored(dtype, expected), f.read("g", m, DataType.FLOAT32).toFloatArray());
      assertArrayEquals(new float[] {1, 2}, f.read("small", m, DataType.FLOAT32).toFloatArray());
    }
  }
}
