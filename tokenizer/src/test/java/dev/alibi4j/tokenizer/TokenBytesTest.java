package dev.alibi4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bytes of single tokens: joined, they must give back the UTF-8 of the text. */
class TokenBytesTest {

  private static byte[] joined(Tokenizer tokenizer, int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      out.writeBytes(tokenizer.tokenBytes(id));
    }
    return out.toByteArray();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theBuiltInByteVocabularyGivesEachIdItsByte(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    ByteLevelTokenizerJson.write(file);
    try (Tokenizer tokenizer = Tokenizer.load(file)) {
      for (int b = 0; b < 256; b++) {
        assertArrayEquals(new byte[] {(byte) b}, tokenizer.tokenBytes(b), "id " + b);
      }
      assertArrayEquals(utf8(ByteLevelTokenizerJson.END_OF_TEXT), tokenizer.tokenBytes(ByteLevelTokenizerJson.END_OF_TEXT_ID));
      // "é" is two tokens, each half a character: U+FFFD alone, its own byte in tokenBytes.
      int[] ids = tokenizer.encode("é", false);
      assertArrayEquals(new int[] {0xC3, 0xA9}, ids);
      assertEquals("\uFFFD", tokenizer.tokenText(0xC3));
      assertArrayEquals(utf8("é"), joined(tokenizer, ids));
    }
  }

  @Test
  void byteLevelTokensJoinIntoTheText() {
    try (Tokenizer tokenizer = TinyTokenizers.byteLevel()) {
      String text = "hello world, é and 😀 aa";
      int[] ids = tokenizer.encode(text, false);
      assertArrayEquals(utf8(tokenizer.decode(ids)), joined(tokenizer, ids));
      assertArrayEquals(utf8(" world"), tokenizer.tokenBytes(TinyTokenizers.SPACE_WORLD), "Ġ is the space byte");
      assertArrayEquals(utf8("é"), tokenizer.tokenBytes(TinyTokenizers.E_ACUTE));
    }
  }

  @Test
  void byteFallbackTokensAreTheirByte() {
    try (Tokenizer tokenizer = TinyTokenizers.byteFallback()) {
      for (String hex : new String[] {"E4", "B8", "AD", "80"}) {
        int id = tokenizer.tokenId("<0x" + hex + ">").orElseThrow();
        assertArrayEquals(new byte[] {(byte) Integer.parseInt(hex, 16)}, tokenizer.tokenBytes(id), hex);
      }
      int hello = tokenizer.tokenId("▁hello").orElseThrow();
      assertArrayEquals(utf8(tokenizer.tokenText(hello)), tokenizer.tokenBytes(hello), "other tokens: their text");
    }
  }

  @Test
  void otherVocabulariesGiveTheTokensText() {
    try (Tokenizer tokenizer = TinyTokenizers.metaspace()) {
      int world = tokenizer.tokenId("▁world").orElseThrow();
      assertArrayEquals(utf8(tokenizer.tokenText(world)), tokenizer.tokenBytes(world));
    }
  }

  @Test
  void idsOutsideTheVocabularyAreRefused() {
    try (Tokenizer tokenizer = TinyTokenizers.byteLevel()) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> tokenizer.tokenBytes(TinyTokenizers.BYTE_LEVEL_VOCAB_SIZE + 5));
      assertTrue(e.getMessage().contains("not in the vocabulary"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> tokenizer.tokenText(-1));
    }
  }

  @Test
  void neoxTokensJoinIntoEveryLlamaCppCase() throws IOException {
    try (Tokenizer tokenizer = Tokenizer.load(NeoxFixture.dir().resolve("tokenizer.json"))) {
      for (NeoxFixture.Case c : NeoxFixture.cases()) {
        assertArrayEquals(utf8(tokenizer.decode(c.ids())), joined(tokenizer, c.ids()), "case " + c.number());
      }
      int gWorld = tokenizer.tokenId("Ġworld").orElseThrow();
      assertArrayEquals(utf8(" world"), tokenizer.tokenBytes(gWorld));
    }
  }
}
