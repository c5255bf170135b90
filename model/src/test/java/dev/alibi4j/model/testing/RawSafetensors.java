package dev.alibi4j.model.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
