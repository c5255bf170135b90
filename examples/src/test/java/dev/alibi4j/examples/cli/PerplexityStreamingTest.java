package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.engine.eval.PerplexityResult;
import dev.alibi4j.engine.eval.StreamingPerplexity;
import dev.alibi4j.engine.eval.WindowedPerplexity;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.tokenizer.Tokenizer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perplexity} reads and tokenizes its file a piece at a time: the ids, and the perplexity,
 * are those of the whole text; a file that is not UTF-8 is refused.
 */
class PerplexityStreamingTest {

  @TempDir static Path tmp;

  static Path model;
  static Path text;

  @BeforeAll
  static void setUp() throws Exception {
    model = TinyBloom.withTokenizer(TinyBloom.random(tmp.resolve("model"), TinyBloom.TOKENIZER_VOCAB, 3));
    StringBuilder s = new StringBuilder();
    String[] lines = {"First Citizen:", "Before we proceed any further, hear me speak.", "", "All:",
        "  Speak, speak. Café — naïve 😀", "hello world\t aa", "   ", "x"};
    for (int i = 0; i < 60; i++) {
      s.append(lines[i % lines.length]).append(i % 7 == 0 ? "\n\n" : "\n");
    }
    text = Files.writeString(tmp.resolve("text.txt"), s, StandardCharsets.UTF_8);
  }

  /** The ids of {@code file} tokenized in pieces of about {@code chunkChars}, and how many pieces. */
  private static List<int[]> pieces(Tokenizer tokenizer, Path file, int chunkChars) throws Exception {
    List<int[]> pieces = new ArrayList<>();
    Consumer<int[]> sink = pieces::add;
    PerplexityCommand.tokenize(tokenizer, file, 0, Files.size(file), chunkChars, sink, null);
    return pieces;
  }

  private static int[] flat(List<int[]> pieces) {
    return pieces.stream().flatMapToInt(IntStream::of).toArray();
  }

  /** A variant of the test tokenizer.json, its JSON changed by {@code edit}. */
  private static Tokenizer variant(String name, Consumer<JsonObject> edit) throws Exception {
    JsonObject json;
    try (var in = TinyBloom.class.getResourceAsStream("tokenizer.json")) {
      json = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonObject();
    }
    edit.accept(json);
    return Tokenizer.load(Files.writeString(tmp.resolve(name + ".json"), json.toString()));
  }

  /** Makes the post-processor put {@code <|endoftext|>} (id 268) after the text. */
  private static void addEndOfText(JsonObject tokenizer) {
    JsonObject processor = tokenizer.getAsJsonObject("post_processor");
    processor.getAsJsonArray("single").add(JsonParser.parseString(
        "{\"SpecialToken\": {\"id\": \"<|endoftext|>\", \"type_id\": 0}}"));
    processor.getAsJsonObject("special_tokens").add("<|endoftext|>", JsonParser.parseString(
        "{\"id\": \"<|endoftext|>\", \"ids\": [268], \"tokens\": [\"<|endoftext|>\"]}"));
  }

  @Test
  void piecesTokenizeToTheIdsOfTheWholeText() throws Exception {
    String whole = Files.readString(text);
    try (Tokenizer plain = Tokenizer.load(model.resolve("tokenizer.json"));
        // An end-of-text token after the text: the suffix goes after the last piece only.
        Tokenizer suffixed = variant("suffixed", PerplexityStreamingTest::addEndOfText)) {
      for (Tokenizer t : new Tokenizer[] {plain, suffixed}) {
        for (int chunk : new int[] {1, 16, 100, 1 << 20}) {
          List<int[]> pieces = pieces(t, text, chunk);
          assertArrayEquals(t.encode(whole), flat(pieces), t + ", pieces of " + chunk);
          if (chunk <= 100) {
            assertTrue(pieces.size() > 5, "the text must really be cut: " + pieces.size() + " pieces");
          }
        }
      }
    }
  }

  @Test
  void aTokenizerThatAddsAPrefixSpaceGetsTheTextWhole() throws Exception {
    // add_prefix_space changes the first word of every piece: no cut is safe.
    try (Tokenizer t = variant("prefix-space", j -> j.getAsJsonObject("pre_tokenizer").addProperty("add_prefix_space", true))) {
      String whole = Files.readString(text);
      assertArrayEquals(t.encode(whole), flat(pieces(t, text, 16)));
    }
  }

  @Test
  void perplexityInPiecesEqualsTheWholeFilesToTheBit() throws Exception {
    try (AlibiLM lm = AlibiLM.load(model)) {
      int[] tokens = lm.encode(Files.readString(text));
      for (int[] window : new int[][] {{16, 16}, {16, 5}, {7, 7}}) {
        PerplexityResult expected = WindowedPerplexity.evaluate(lm.model(), tokens, window[0], window[1], null);
        StreamingPerplexity streaming = new StreamingPerplexity(lm.model(), window[0], window[1], null, null);
        PerplexityCommand.tokenize(lm.tokenizer().orElseThrow(), text, 0, Files.size(text), 16, streaming::accept, null);
        PerplexityResult actual = streaming.finish();
        assertEquals(expected.nll(), actual.nll(), 0.0, "context " + window[0] + ", stride " + window[1]);
        assertEquals(expected.scoredTokens(), actual.scoredTokens());
      }
    }
  }

  @Test
  void theCommandReportsTheWholeTextsPerplexity() throws Exception {
    CommandRun r = CommandRun.of(new PerplexityCommand(), "--model", model.toString(), "--file", text.toString(),
        "--context", "16", "--stride", "8", "--unigram", "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject j = JsonParser.parseString(r.out().strip()).getAsJsonObject();
    try (AlibiLM lm = AlibiLM.load(model)) {
      int[] tokens = lm.encode(Files.readString(text));
      assertEquals(WindowedPerplexity.evaluate(lm.model(), tokens, 16, 8, null).perplexity(),
          j.get("perplexity").getAsDouble(), 0.0);
      double unigram = UnigramBaseline.perplexity(tokens, tokens, lm.config().vocabSize(), 16, 8);
      assertEquals(unigram, j.get("unigram_perplexity").getAsDouble(), 1e-12 * unigram);
    }
  }

  @Test
  void heldOutSplitsBetweenCharactersNotInsideOne() throws Exception {
    // 9 ASCII bytes then 'é' (2 bytes): 90% of 11 is byte 9, the start of é; of 12 bytes, byte 10,
    // inside it: the held-out part must start after it, not with half a character.
    Path file = Files.write(tmp.resolve("split.txt"), "abcdefghié!".getBytes(StandardCharsets.UTF_8));
    assertEquals(12, Files.size(file));
    assertEquals(11, PerplexityCommand.characterStart(file, (long) (12 * 0.9)));
    assertEquals(9, PerplexityCommand.characterStart(file, 9));
    Path longer = Files.writeString(tmp.resolve("held.txt"), "héllo wörld ".repeat(50) + "😀".repeat(30));
    CommandRun r = CommandRun.of(new PerplexityCommand(), "--model", model.toString(), "--file", longer.toString(),
        "--held-out", "--context", "8", "--unigram");
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void aFileThatIsNotUtf8IsRefusedNamingTheOffset() throws Exception {
    byte[] bytes = new byte[3000];
    java.util.Arrays.fill(bytes, (byte) 'a');
    bytes[2345] = (byte) 0xFF;
    Path binary = Files.write(tmp.resolve("data.bin"), bytes);
    CharacterCodingException e = assertThrows(CharacterCodingException.class, () -> CommandRun.of(
        new PerplexityCommand(), "--model", model.toString(), "--file", binary.toString()));
    assertEquals(binary + " is not valid UTF-8 text: byte 0xFF at byte offset 2345 is not part of a valid character",
        e.getMessage());
    CommandRun r = CommandRun.main("perplexity", "--model", model.toString(), "--file", binary.toString());
    assertEquals(1, r.code());
    assertTrue(r.err().startsWith("error: " + binary + " is not valid UTF-8 text"), r.err());
  }
}
