package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.tensor.Q8Blocks;
import dev.alibi4j.engine.tensor.WeightRows;
import dev.alibi4j.engine.tensor.WeightType;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Writes a GGUF v3 file (llama.cpp's format, as its {@code gguf.py} and {@code docs/gguf.md}
 * describe it): a header, key-value metadata, tensor descriptions, then each tensor's data
 * aligned to 32 bytes. Tensors are streamed row by row, so a checkpoint larger than memory can be
 * written. Little-endian throughout.
 */
final class GgufWriter {

  /** The ggml type id under which GGUF stores a matrix of {@code type}. */
  static int ggmlType(WeightType type) {
    return switch (type) {
      case F32 -> 0;
      case F16 -> 1;
      case Q8_0 -> 8; // llama.cpp's block layout, which WeightType.Q8_0 is
      case BF16 -> 30;
    };
  }

  /** Fills {@code out} with row {@code r} of a tensor. */
  @FunctionalInterface
  interface Rows {
    void row(long r, float[] out) throws IOException;
  }

  private static final int ALIGNMENT = 32;
  private static final int STRING = 8;
  private static final int ARRAY = 9;

  private record Tensor(String name, WeightType type, long[] ne, long rows, int cols, Rows values) {
    long bytes() {
      return type.rowBytes(cols) * rows;
    }
  }

  private final List<byte[]> metadata = new ArrayList<>();
  private final List<Tensor> tensors = new ArrayList<>();

  GgufWriter putString(String key, String value) {
    Bytes b = new Bytes().string(key).u32(STRING).string(value);
    metadata.add(b.toArray());
    return this;
  }

  GgufWriter putU32(String key, int value) {
    metadata.add(new Bytes().string(key).u32(4).u32(value).toArray());
    return this;
  }

  GgufWriter putF32(String key, float value) {
    metadata.add(new Bytes().string(key).u32(6).u32(Float.floatToRawIntBits(value)).toArray());
    return this;
  }

  /** An array of {@code n} strings, made one at a time (a vocabulary of 250k tokens). */
  GgufWriter putStrings(String key, int n, IntFunction<String> value) {
    Bytes b = new Bytes().string(key).u32(ARRAY).u32(STRING).u64(n);
    for (int i = 0; i < n; i++) {
      b.string(value.apply(i));
    }
    metadata.add(b.toArray());
    return this;
  }

  /** An array of {@code n} int32 values. */
  GgufWriter putI32s(String key, int n, IntFunction<Integer> value) {
    Bytes b = new Bytes().string(key).u32(ARRAY).u32(5).u64(n);
    for (int i = 0; i < n; i++) {
      b.u32(value.apply(i));
    }
    metadata.add(b.toArray());
    return this;
  }

  /** A vector of {@code n} values (norms, biases). */
  GgufWriter vector(String name, WeightType type, int n, Rows values) {
    tensors.add(new Tensor(name, type, new long[] {n}, 1, n, values));
    return this;
  }

  /**
   * A matrix of {@code rows × cols}, row-major as PyTorch's {@code [out, in]} weights; GGUF lists
   * its dimensions innermost first ({@code [cols, rows]}).
   */
  GgufWriter matrix(String name, WeightType type, long rows, int cols, Rows values) {
    if (type == WeightType.Q8_0 && cols % Q8Blocks.BLOCK != 0) {
      throw new IllegalArgumentException(name + ": q8_0 needs rows of a multiple of 32 values, got " + cols);
    }
    tensors.add(new Tensor(name, type, new long[] {cols, rows}, rows, cols, values));
    return this;
  }

  /** Writes the file. */
  void write(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
      Bytes head = new Bytes();
      head.raw("GGUF".getBytes(StandardCharsets.US_ASCII)).u32(3).u64(tensors.size()).u64(metadata.size());
      out.write(head.toArray());
      long written = head.size();
      for (byte[] kv : metadata) {
        out.write(kv);
        written += kv.length;
      }
      long offset = 0;
      for (Tensor t : tensors) {
        Bytes info = new Bytes().string(t.name()).u32(t.ne().length);
        for (long n : t.ne()) {
          info.u64(n);
        }
        info.u32(ggmlType(t.type())).u64(offset);
        out.write(info.toArray());
        written += info.size();
        offset += align(t.bytes());
      }
      written += pad(out, written);
      for (Tensor t : tensors) {
        writeData(out, t);
        written += t.bytes();
        written += pad(out, written);
      }
    }
  }

  private static void writeData(OutputStream out, Tensor t) throws IOException {
    float[] row = new float[t.cols()];
    byte[] bytes = new byte[Math.toIntExact(t.type().rowBytes(t.cols()))];
    MemorySegment rowBytes = MemorySegment.ofArray(bytes); // little-endian, as GGUF
    for (long r = 0; r < t.rows(); r++) {
      t.values().row(r, row);
      WeightRows.write(t.type(), row, 0, row.length, rowBytes, 0);
      out.write(bytes);
    }
  }

  private static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  private static long pad(OutputStream out, long written) throws IOException {
    int n = (int) (align(written) - written);
    out.write(new byte[n]);
    return n;
  }

  /** A little-endian byte builder for the header parts. */
  private static final class Bytes {
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    Bytes raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    Bytes u32(int v) {
      for (int i = 0; i < 4; i++) {
        out.write(v >>> (8 * i));
      }
      return this;
    }

    Bytes u64(long v) {
      for (int i = 0; i < 8; i++) {
        out.write((int) (v >>> (8 * i)));
      }
      return this;
    }

    Bytes string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      return u64(b.length).raw(b);
    }

    int size() {
      return out.size();
    }

    byte[] toArray() {
      return out.toByteArray();
    }
  }
}
