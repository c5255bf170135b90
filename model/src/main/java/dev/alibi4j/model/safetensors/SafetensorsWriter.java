package dev.alibi4j.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file of F32, F16 or BF16 tensors plus string metadata.
 *
 * <p>Values are given as float32 and rounded to the stored type (nearest, ties to even). The
 * header is padded with spaces so the data region starts on an 8-byte boundary, and tensors are
 * laid out widest type first, so every tensor is aligned to its element size. The file is
 * written to a temporary sibling and then moved into place, so a reader never sees half a file.
 *
 * <pre>{@code
 * new SafetensorsWriter()
 *     .putMetadata("format", "pt")
 *     .add("wte.weight", SafetensorsDtype.BF16, new long[] {vocab, hidden}, values)
 *     .write(dir.resolve("model.safetensors"));
 * }</pre>
 */
public final class SafetensorsWriter {

  private static final int IO_BUFFER_BYTES = 1 << 20;

  private record Pending(String name, SafetensorsDtype dtype, long[] shape, Object values) {}

  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final Map<String, Pending> tensors = new LinkedHashMap<>();

  /** Adds a {@code __metadata__} entry. */
  public SafetensorsWriter putMetadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /**
   * Adds a tensor given as row-major float32 values.
   *
   * @param dtype F32, F16 or BF16
   * @param shape dimensions; their product must equal {@code values.length}
   */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, float[] values) {
    long numel = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (numel != values.length) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " has " + numel + " elements, got "
              + values.length + " values");
    }
    return put(new Pending(name, dtype, shape.clone(), values.clone()));
  }

  /**
   * Adds an array (any float type); it is read when {@link #write} runs, so it must stay open
   * until then.
   *
   * @param dtype F32, F16 or BF16
   */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, NDArray array) {
    return put(new Pending(name, dtype, array.getShape().getShape(), array));
  }

  /** Values produced chunk by chunk while the file is written, so none is held in memory. */
  @FunctionalInterface
  public interface ValueSource {
    /** Writes the values of flat indices {@code [start, start + n)} into {@code out[0, n)}. */
    void fill(long start, float[] out, int n);
  }

  /**
   * Adds a tensor whose values {@code source} generates during {@link #write}: a tensor of any
   * size costs one I/O buffer of memory.
   *
   * @param dtype F32, F16 or BF16
   */
  public SafetensorsWriter add(String name, SafetensorsDtype dtype, long[] shape, ValueSource source) {
    return put(new Pending(name, dtype, shape.clone(), source));
  }

  private SafetensorsWriter put(Pending tensor) {
    if (!tensor.dtype().isLoadable()) {
      throw new IllegalArgumentException(
          tensor.name() + ": can write only " + SafetensorsDtype.loadableNames()
              + ", not " + tensor.dtype());
    }
    if (tensor.name().equals("__metadata__") || tensors.containsKey(tensor.name())) {
      throw new IllegalArgumentException("duplicate or reserved tensor name: " + tensor.name());
    }
    tensors.put(tensor.name(), tensor);
    return this;
  }

  /** Writes the file, replacing any existing one. */
  public void write(Path file) throws IOException {
    List<Pending> ordered = new ArrayList<>(tensors.values());
    ordered.sort(Comparator.comparingInt((Pending t) -> -t.dtype().byteSize())); // stable

    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject meta = new JsonObject();
      metadata.forEach(meta::addProperty);
      header.add("__metadata__", meta);
    }
    long offset = 0;
    for (Pending t : ordered) {
      long bytes = numel(t) * t.dtype().byteSize();
      JsonObject entry = new JsonObject();
      entry.addProperty("dtype", t.dtype().name());
      JsonArray shape = new JsonArray();
      Arrays.stream(t.shape()).forEach(shape::add);
      entry.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + bytes);
      entry.add("data_offsets", offsets);
      header.add(t.name(), entry);
      offset += bytes;
    }
    byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;

    Path parent = file.toAbsolutePath().getParent();
    Path temp = parent.resolve(file.getFileName() + ".tmp");
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.allocate(IO_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
      buffer.putLong(padded);
      flush(out, buffer);
      ByteBuffer headerBytes = ByteBuffer.allocate(padded);
      headerBytes.put(json);
      while (headerBytes.hasRemaining()) {
        headerBytes.put((byte) ' ');
      }
      headerBytes.flip();
      writeFully(out, headerBytes);
      for (Pending t : ordered) {
        writeValues(out, buffer, t);
      }
    }
    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static long numel(Pending t) {
    return Arrays.stream(t.shape()).reduce(1, Math::multiplyExact);
  }

  private void writeValues(FileChannel out, ByteBuffer buffer, Pending t)
      throws IOException {
    int perFlush = buffer.capacity() / t.dtype().byteSize();
    long total = numel(t);
    float[] generated = t.values() instanceof ValueSource ? scratch(perFlush) : null;
    float[] values = generated != null ? generated : floats(t);
    for (long start = 0; start < total; start += perFlush) {
      int n = (int) Math.min(perFlush, total - start);
      int from = (int) start;
      if (generated != null) {
        ((ValueSource) t.values()).fill(start, generated, n);
        from = 0;
      }
      buffer.clear();
      switch (t.dtype()) {
        case F32 -> buffer.asFloatBuffer().put(values, from, n);
        case F16 -> {
          ShortBuffer halves = buffer.asShortBuffer();
          for (int i = 0; i < n; i++) {
            halves.put(i, HalfFloats.floatToHalf(values[from + i]));
          }
        }
        case BF16 -> {
          ShortBuffer halves = buffer.asShortBuffer();
          for (int i = 0; i < n; i++) {
            halves.put(i, HalfFloats.floatToBf16(values[from + i]));
          }
        }
        default -> throw new IllegalStateException("unwritable " + t.dtype());
      }
      buffer.position(n * t.dtype().byteSize());
      flush(out, buffer);
    }
  }

  private float[] chunk;

  /** One chunk buffer for every generated tensor of a file: no garbage per tensor. */
  private float[] scratch(int size) {
    if (chunk == null || chunk.length < size) {
      chunk = new float[size];
    }
    return chunk;
  }

  private static float[] floats(Pending t) {
    if (t.values() instanceof float[] values) {
      return values;
    }
    NDArray array = (NDArray) t.values();
    if (array.getDataType() == DataType.FLOAT32) {
      return array.toFloatArray();
    }
    try (NDArray asFloat = array.toType(DataType.FLOAT32, true)) {
      return asFloat.toFloatArray();
    }
  }

  private static void flush(FileChannel out, ByteBuffer buffer) throws IOException {
    buffer.flip();
    writeFully(out, buffer);
    buffer.clear();
  }

  private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }
}
