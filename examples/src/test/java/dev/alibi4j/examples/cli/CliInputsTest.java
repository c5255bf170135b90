package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prompts, texts and ids from files and standard input (which no locale can garble), and the
 * refusal of arguments the locale did garble (U+FFFD).
 */
class CliInputsTest {

  @TempDir static Path tmp;

  /** Random weights with the test tokenizer.json. */
  static Path texty;

  /** Random weights, vocabulary 272, no tokenizer. */
  static Path plain;

  @BeforeAll
  static void writeCheckpoints() {
    texty = TinyBloom.withTokenizer(TinyBloom.printable(tmp.resolve("texty"), 12));
    plain = TinyBloom.random(tmp.resolve("plain"), 272, 11);
  }

  private static JsonObject json(CommandRun r) {
    assertEquals(0, r.code(), r.err());
    return JsonParser.parseString(r.out().strip()).getAsJsonObject();
  }

  private static void assertUsageError(CommandRun r, String... parts) {
    assertEquals(2, r.code(), r.err());
    for (String part : parts) {
      assertTrue(r.err().contains(part), "'" + part + "' not in: " + r.err());
    }
  }

  private static CommandRun withStdin(String input, String... args) {
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)));
    try {
      return CommandRun.main(args);
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void promptFileAndStandardInputGiveWhatPromptGives() throws Exception {
    String prompt = "héllo wörld 😀";
    Path file = Files.writeString(tmp.resolve("prompt.txt"), prompt, StandardCharsets.UTF_8);
    String[] common = {"--model", texty.toString(), "--max-new-tokens", "3", "--json"};
    JsonObject byArgument = json(CommandRun.main(concat(new String[] {"generate", "--prompt", prompt}, common)));
    JsonObject byFile = json(CommandRun.main(concat(new String[] {"generate", "--prompt-file", file.toString()}, common)));
    JsonObject byStdin = json(withStdin(prompt, concat(new String[] {"generate", "--prompt-file", "-"}, common)));
    assertEquals(byArgument.get("ids"), byFile.get("ids"));
    assertEquals(byArgument.get("prompt_tokens"), byFile.get("prompt_tokens"));
    assertEquals(byArgument.get("ids"), byStdin.get("ids"));
    assertEquals(byArgument.get("prompt_tokens"), byStdin.get("prompt_tokens"));
  }

  @Test
  void idsFileTakesCommasAndWhitespace() throws Exception {
    Path file = Files.writeString(tmp.resolve("ids.txt"), " 3, 1\n4\t1  5\n");
    String[] common = {"--model", plain.toString(), "--max-new-tokens", "4", "--json"};
    JsonObject byArgument = json(CommandRun.main(concat(new String[] {"generate", "--ids", "3,1,4,1,5"}, common)));
    JsonObject byFile = json(CommandRun.main(concat(new String[] {"generate", "--ids-file", file.toString()}, common)));
    assertEquals(byArgument.get("ids"), byFile.get("ids"));
    assertEquals(5, byFile.get("prompt_tokens").getAsInt());

    Path a = tmp.resolve("a.npy");
    Path b = tmp.resolve("b.npy");
    assertEquals(0, CommandRun.main("logits", "--model", plain.toString(), "--ids", "3,1,4,1,5", "--out", a.toString()).code());
    CommandRun r = CommandRun.main("logits", "--model", plain.toString(), "--ids-file", file.toString(), "--out", b.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "the same logits file");
  }

  @Test
  void aBadIdsFileNamesTheFileAndTheEntry() throws Exception {
    Path file = Files.writeString(tmp.resolve("bad-ids.txt"), "1, 2, x3, 4");
    assertUsageError(CommandRun.main("generate", "--model", plain.toString(), "--ids-file", file.toString()),
        file.toString(), "'x3' (entry 3) is not a token id");
    Path empty = Files.writeString(tmp.resolve("empty-ids.txt"), " \n");
    assertUsageError(CommandRun.main("generate", "--model", plain.toString(), "--ids-file", empty.toString()),
        "holds no token ids");
  }

  @Test
  void textFileTokenizesAsText() throws Exception {
    String text = "hello world, aa é";
    Path file = Files.writeString(tmp.resolve("text.txt"), text, StandardCharsets.UTF_8);
    CommandRun byArgument = CommandRun.main("tokenize", "--model", texty.toString(), "--text", text);
    CommandRun byFile = CommandRun.main("tokenize", "--model", texty.toString(), "--text-file", file.toString());
    assertEquals(0, byFile.code(), byFile.err());
    assertEquals(byArgument.out(), byFile.out());
    assertEquals(byArgument.out(), withStdin(text, "tokenize", "--model", texty.toString(), "--text-file", "-").out());
  }

  @Test
  void argumentsTheLocaleGarbledAreRefusedWithTheFix() {
    CommandRun prompt = CommandRun.main("generate", "--model", texty.toString(), "--prompt", "h\uFFFD\uFFFDllo");
    assertUsageError(prompt, "--prompt contains U+FFFD", "use --prompt-file FILE", "LC_ALL=C.UTF-8");
    CommandRun stop = CommandRun.main("generate", "--model", texty.toString(), "--prompt", "hi",
        "--stop", "x", "--stop", "\uFFFD");
    assertUsageError(stop, "--stop contains U+FFFD", "LC_ALL=C.UTF-8");
    CommandRun text = CommandRun.main("tokenize", "--model", texty.toString(), "--text", "\uFFFD");
    assertUsageError(text, "--text contains U+FFFD", "use --text-file FILE");
  }

  @Test
  void aPromptFileThatIsNotUtf8IsRefusedWithTheOffset() throws Exception {
    Path file = Files.write(tmp.resolve("latin1.txt"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '!'});
    CommandRun r = CommandRun.main("generate", "--model", texty.toString(), "--prompt-file", file.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals("error: " + file + " is not valid UTF-8 text: byte 0xE9 at byte offset 3 is not part of a"
        + " valid character" + System.lineSeparator(), r.err());
  }

  @Test
  void exactlyOnePromptSource() throws Exception {
    Path file = Files.writeString(tmp.resolve("p.txt"), "hi");
    assertUsageError(CommandRun.main("generate", "--model", texty.toString(), "--prompt", "hi",
        "--prompt-file", file.toString()), "exactly one of --prompt, --prompt-file, --ids or --ids-file");
    assertUsageError(CommandRun.main("tokenize", "--model", texty.toString()), "exactly one of --text or --text-file");
    assertUsageError(CommandRun.main("logits", "--model", plain.toString(), "--ids", "1", "--ids-file",
        file.toString(), "--out", "x.npy"), "exactly one of --ids or --ids-file");
  }

  @Test
  void aMissingPromptFileIsSaidInWords() {
    Path missing = tmp.resolve("missing.txt");
    CommandRun r = CommandRun.main("generate", "--model", texty.toString(), "--prompt-file", missing.toString());
    assertEquals(1, r.code(), r.err());
    assertEquals("error: --prompt-file: file not found: " + missing + System.lineSeparator(), r.err());
    assertFalse(r.err().contains("Exception"), r.err());
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
