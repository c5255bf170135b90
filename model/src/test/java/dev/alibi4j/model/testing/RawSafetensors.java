package dev.alibi4j.model.testing;

import dev.alibi4j.model.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Writes safetensors files byte by byte, so tests can build malformed ones. */
public final class RawSafetensors {

  private RawSafetensors() {}

  /** Writes the length of {@code header}, {@code header} itself, then {@code data}. */
  public static Path write(Path file, String header, byte[] data) {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    return write(file, json.length, json, data);
  }

  /** Writes {@code declaredLength} as the header length, whatever {@code header}'s size. */
  public static Path write(Path file, long declaredLength, byte[] header, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length);
    b.order(ByteOrder.LITTLE_ENDIAN).putLong(declaredLength).put(header).put(data);
    try {
      Files.write(file, b.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  /**
   * Overwrites bytes of tensor {@code tensor} in place, from {@code byteOffset} within its data:
   * the file keeps its size (safe while it is mapped).
   */
  public static void overwrite(Path file, String tensor, long byteOffset, byte[] bytes) {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long begin;
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        begin = f.info(tensor).begin();
      }
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      c.read(length, 0);
      long at = 8 + length.getLong(0) + begin + byteOffset;
      ByteBuffer data = ByteBuffer.wrap(bytes);
      while (data.hasRemaining()) {
        at += c.write(data, at);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code values} as little-endian 16-bit patterns (float16 or bfloat16 bits). */
  public static byte[] bits16(int... values) {
    ByteBuffer b = ByteBuffer.allocate(2 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int v : values) {
      b.putShort((short) v);
    }
    return b.array();
  }

  /** {@code values} as little-endian float32 bytes. */
  public static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** Concatenates byte arrays. */
  public static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(n);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }
}
