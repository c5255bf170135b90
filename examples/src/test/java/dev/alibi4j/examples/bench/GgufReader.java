package dev.alibi4j.examples.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF v3 reader for tests, written from llama.cpp's {@code docs/gguf.md}: header, metadata
 * (the value types used by llama.cpp's converters), tensor infos, and the data offset after the
 * alignment padding.
 */
final class GgufReader {

  record TensorInfo(String name, long[] ne, int type, long offset) {}

  final int version;
  final Map<String, Object> metadata = new LinkedHashMap<>();
  final List<TensorInfo> tensors = new ArrayList<>();
  final long dataStart;
  final ByteBuffer file;

  GgufReader(Path path) throws IOException {
    file = ByteBuffer.wrap(Files.readAllBytes(path)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[4];
    file.get(magic);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("GGUF")) {
      throw new IOException("not GGUF: " + new String(magic, StandardCharsets.US_ASCII));
    }
    version = file.getInt();
    long tensorCount = file.getLong();
    long kvCount = file.getLong();
    for (long i = 0; i < kvCount; i++) {
      String key = string();
      metadata.put(key, value(file.getInt()));
    }
    for (long i = 0; i < tensorCount; i++) {
      String name = string();
      long[] ne = new long[file.getInt()];
      for (int d = 0; d < ne.length; d++) {
        ne[d] = file.getLong();
      }
      tensors.add(new TensorInfo(name, ne, file.getInt(), file.getLong()));
    }
    long alignment = ((Number) metadata.getOrDefault("general.alignment", 32)).longValue();
    dataStart = (file.position() + alignment - 1) / alignment * alignment;
  }

  private String string() {
    byte[] b = new byte[Math.toIntExact(file.getLong())];
    file.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private Object value(int type) {
    return switch (type) {
      case 4 -> Integer.toUnsignedLong(file.getInt()); // uint32
      case 5 -> file.getInt(); // int32
      case 6 -> file.getFloat();
      case 8 -> string();
      case 9 -> {
        int elementType = file.getInt();
        long n = file.getLong();
        List<Object> list = new ArrayList<>();
        for (long i = 0; i < n; i++) {
          list.add(value(elementType));
        }
        yield list;
      }
      default -> throw new IllegalStateException("value type " + type + " not used by the writer under test");
    };
  }

  TensorInfo tensor(String name) {
    return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no tensor " + name));
  }

  /** Absolute position of a tensor's first byte. */
  long position(String name) {
    return dataStart + tensor(name).offset();
  }
}
