package dev.alibi4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad file gives an IOException that names it and says what is wrong. */
class TokenizerLoadTest {

  @TempDir Path dir;

  @Test
  void missingFile() {
    Path path = dir.resolve("absent/tokenizer.json");
    IOException e = assertThrows(NoSuchFileException.class, () -> Tokenizer.load(path));
    assertMessage(e, path, "no such file");
  }

  @Test
  void directoryInsteadOfFile() {
    IOException e = assertThrows(IOException.class, () -> Tokenizer.load(dir));
    assertMessage(e, dir, "not a regular file");
  }

  @Test
  void emptyFile() throws IOException {
    assertRejected("", "empty file");
  }

  @Test
  void truncatedJson() throws IOException {
    String json = Files.readString(TinyTokenizers.path("bytelevel"));
    assertRejected(json.substring(0, json.length() / 2), "not a valid tokenizer.json");
  }

  @Test
  void jsonThatIsNoTokenizer() throws IOException {
    assertRejected("{}", "not a valid tokenizer.json");
    assertRejected("[1, 2]", "not a valid tokenizer.json");
    assertRejected(
        "{\"model\": {\"type\": \"Nope\", \"vocab\": {}}}", "not a valid tokenizer.json");
  }

  @Test
  void mergeOfUnknownTokens() throws IOException {
    String json = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b\"]}}";
    assertRejected(json, "not a valid tokenizer.json");
  }

  @Test
  void notUtf8() throws IOException {
    Path path = dir.resolve("tokenizer.json");
    Files.write(path, new byte[] {'{', (byte) 0xFF, '}'});
    assertMessage(assertThrows(IOException.class, () -> Tokenizer.load(path)), path, "not UTF-8");
  }

  @Test
  void minimalValidFileLoads() throws IOException {
    Path path = dir.resolve("tokenizer.json");
    Files.writeString(
        path,
        "{\"model\": {\"type\": \"WordLevel\", \"vocab\": {\"hi\": 0}, \"unk_token\": \"hi\"}}");
    try (Tokenizer tokenizer = Tokenizer.load(path)) {
      assertEquals(1, tokenizer.vocabSize());
    }
  }

  private void assertRejected(String content, String reason) throws IOException {
    Path path = dir.resolve("tokenizer.json");
    Files.writeString(path, content);
    assertMessage(assertThrows(IOException.class, () -> Tokenizer.load(path)), path, reason);
  }

  private static void assertMessage(IOException e, Path path, String reason) {
    String message = e.getMessage();
    assertTrue(message.startsWith(path.toString()), message);
    assertTrue(message.contains(reason), message);
  }
}
