package dev.alibi4j.examples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8ReaderTest {

  private static String read(byte[] bytes, int buffer) throws IOException {
    Utf8Reader r = new Utf8Reader(new ByteArrayInputStream(bytes), "t.txt", 0, bytes.length, buffer);
    StringBuilder s = new StringBuilder();
    for (String piece = r.next(); piece != null; piece = r.next()) {
      s.append(piece);
    }
    return s.toString();
  }

  @Test
  void charactersSplitAcrossBuffersComeOutWhole() throws Exception {
    String text = "héllo wörld, 😀 ok — ñ\n".repeat(20);
    for (int buffer : new int[] {8, 9, 13, 1 << 16}) {
      assertEquals(text, read(text.getBytes(StandardCharsets.UTF_8), buffer), "buffer " + buffer);
    }
    assertEquals("", read(new byte[0], 8));
  }

  @Test
  void anInvalidByteIsNamedWithItsOffset() {
    byte[] bytes = {'a', 'b', 'c', (byte) 0xFF, 'd'};
    String m = assertThrows(CharacterCodingException.class, () -> read(bytes, 8)).getMessage();
    assertEquals("t.txt is not valid UTF-8 text: byte 0xFF at byte offset 3 is not part of a valid character", m);
  }

  @Test
  void theOffsetCountsFromTheStartOfTheInputAcrossBuffers() {
    byte[] bytes = new byte[100];
    java.util.Arrays.fill(bytes, (byte) 'x');
    bytes[70] = (byte) 0xC3; // a lead byte followed by 'x', not a continuation byte
    Utf8Reader r = new Utf8Reader(new ByteArrayInputStream(bytes), "big.txt", 1000, bytes.length, 16);
    String m = assertThrows(CharacterCodingException.class, () -> {
      while (r.next() != null) {
        // read on
      }
    }).getMessage();
    assertTrue(m.contains("byte 0xC3 at byte offset 1070"), m);
  }

  @Test
  void aCharacterCutOffAtTheEndIsSaidSo() {
    byte[] bytes = {'a', 'b', (byte) 0xE2, (byte) 0x82};
    String m = assertThrows(CharacterCodingException.class, () -> read(bytes, 8)).getMessage();
    assertTrue(m.contains("ends in the middle of a character at byte offset 2"), m);
  }
}
