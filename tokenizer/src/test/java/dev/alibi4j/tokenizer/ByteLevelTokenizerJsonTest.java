package dev.alibi4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ByteLevelTokenizerJsonTest {

  @TempDir Path dir;

  @Test
  void idsAreTheUtf8BytesAndTextRoundTrips() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    ByteLevelTokenizerJson.write(file);
    String text = "ROMEO:\n  But soft, what light — ½ 日本 😀\t\r\0end";
    try (Tokenizer t = Tokenizer.load(file)) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      int[] expected = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        expected[i] = bytes[i] & 0xff;
      }
      assertArrayEquals(expected, t.encode(text));
      assertEquals(text, t.decode(expected));
      assertEquals(ByteLevelTokenizerJson.VOCAB_SIZE, t.vocabSize());
      assertEquals(ByteLevelTokenizerJson.END_OF_TEXT_ID, t.tokenId(ByteLevelTokenizerJson.END_OF_TEXT).getAsInt());
    }
  }
}
