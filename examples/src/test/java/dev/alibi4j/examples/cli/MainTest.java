package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.tokenizer.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI end to end through {@link Main#run}, on tiny BLOOM checkpoints written here. */
class MainTest {

  private static final int VOCAB = 272;
  private static final List<String> JSON_KEYS = List.of("ids", "text", "finish_reason",
      "prompt_tokens", "generated_tokens", "prefill_tokens_per_s", "decode_tokens_per_s");

  @TempDir static Path tmp;

  /** Random weights, vocab 272, no tokenizer.json, no EOS. */
  static Path plain;

  /** Random weights, vocab 269 = the tokenizer's, mostly printable output, tokenizer.json, no EOS. */
  static Path texty;

  @BeforeAll
  static void writeCheckpoints() {
    plain = TinyBloom.random(tmp.resolve("plain"), VOCAB, 11);
    texty = TinyBloom.withTokenizer(TinyBloom.printable(tmp.resolve("texty"), 12));
  }

  private static CommandRun run(String... args) {
    return CommandRun.main(args);
  }

  /** Runs {@code generate ... --json} and parses stdout, which must be exactly one JSON object. */
  private static JsonObject generateJson(String... args) {
    String[] full = new String[args.length + 2];
    full[0] = "generate";
    System.arraycopy(args, 0, full, 1, args.length);
    full[full.length - 1] = "--json";
    CommandRun r = run(full);
    assertEquals(0, r.code(), "exit code; stderr: " + r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(1, lines.length, "stdout must be one line: " + r.out());
    JsonElement parsed = JsonParser.parseString(lines[0]);
    assertTrue(parsed.isJsonObject(), r.out());
    return parsed.getAsJsonObject();
  }

  private static int[] ids(JsonObject j) {
    JsonArray a = j.getAsJsonArray("ids");
    int[] ids = new int[a.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = a.get(i).getAsInt();
    }
    return ids;
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), "'" + part + "' not in: " + text);
    }
  }

  private static void assertUsageError(CommandRun r, String command, String... parts) {
    assertEquals(2, r.code(), "exit code; stderr: " + r.err());
    assertTrue(r.err().startsWith("error: "), r.err());
    assertContains(r.err(), parts);
    assertContains(r.err(), "usage: java -jar alibi4j.jar " + command);
    assertEquals("", r.out(), "nothing on stdout");
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  // ---- generate --json

  @Test
  void jsonHasEveryKeyAndCountsTokens() {
    JsonObject j = generateJson("--model", plain.toString(), "--ids", "3,1,4", "--max-new-tokens", "5");
    for (String key : JSON_KEYS) {
      assertTrue(j.has(key), "missing key " + key + " in " + j);
    }
    assertEquals(5, j.getAsJsonArray("ids").size());
    assertTrue(j.get("text").isJsonNull(), "no tokenizer: text must be null, got " + j.get("text"));
    assertEquals("length", j.get("finish_reason").getAsString());
    assertEquals(3, j.get("prompt_tokens").getAsInt());
    assertEquals(5, j.get("generated_tokens").getAsInt());
    assertTrue(j.get("prefill_tokens_per_s").getAsDouble() > 0, j.toString());
    assertTrue(j.get("decode_tokens_per_s").getAsDouble() > 0, j.toString());
    for (int id : ids(j)) {
      assertTrue(id >= 0 && id < VOCAB, "id " + id);
    }
  }

  @Test
  void greedyIdsAreTheArgmaxOfTheFullRecomputeLogits() {
    int[] prompt = {7, 100, 42};
    int n = 6;
    int[] generated = ids(generateJson("--model", plain.toString(), "--ids", "7,100,42",
        "--max-new-tokens", Integer.toString(n), "--temperature", "0"));
    assertEquals(n, generated.length);
    int[] all = IntStream.concat(IntStream.of(prompt), IntStream.of(generated)).toArray();
    try (AlibiLM lm = AlibiLM.load(plain)) {
      float[][] logits = lm.logits(all); // no KV cache: one forward pass over everything
      for (int k = 0; k < n; k++) {
        assertEquals(argmax(logits[prompt.length - 1 + k]), generated[k], "generated token " + k);
      }
    }
  }

  @Test
  void greedyIsReproducible() {
    String[] args = {"--model", plain.toString(), "--ids", "9,8,7", "--max-new-tokens", "8", "--temperature", "0"};
    assertArrayEquals(ids(generateJson(args)), ids(generateJson(args)));
  }

  @Test
  void sameSeedSameSampleAndSeedIsReported() {
    String[] args = {"--model", plain.toString(), "--ids", "9,8,7", "--max-new-tokens", "8",
        "--temperature", "1", "--seed", "1234"};
    JsonObject a = generateJson(args);
    JsonObject b = generateJson(args);
    assertArrayEquals(ids(a), ids(b));
    assertEquals(1234L, a.get("seed").getAsLong());
  }

  @Test
  void differentSeedsSampleDifferently() {
    Set<List<Integer>> samples = new HashSet<>();
    for (int seed = 1; seed <= 4; seed++) {
      int[] ids = ids(generateJson("--model", plain.toString(), "--ids", "9,8,7", "--max-new-tokens", "8",
          "--temperature", "2", "--seed", Integer.toString(seed)));
      samples.add(IntStream.of(ids).boxed().toList());
    }
    assertTrue(samples.size() > 1, "4 seeds at temperature 2 gave one sample: " + samples);
  }

  @Test
  void oneNewTokenHasNoDecodeRateButKeepsTheKey() {
    JsonObject j = generateJson("--model", plain.toString(), "--ids", "1", "--max-new-tokens", "1");
    assertEquals(1, j.getAsJsonArray("ids").size());
    assertEquals("length", j.get("finish_reason").getAsString());
    assertTrue(j.has("decode_tokens_per_s"), j.toString());
  }

  @Test
  void endOfSequenceTokenStopsGeneration() {
    // This checkpoint always predicts token 5, and 5 is its eos_token_id.
    Path dir = TinyBloom.constant(tmp.resolve("eos5"), VOCAB, 5, 5);
    JsonObject j = generateJson("--model", dir.toString(), "--ids", "1,2", "--max-new-tokens", "10");
    assertEquals("eos", j.get("finish_reason").getAsString());
    assertEquals(0, j.get("generated_tokens").getAsInt());
    assertEquals(0, j.getAsJsonArray("ids").size());
  }

  @Test
  void constantModelWithoutEosRepeatsItsToken() {
    Path dir = TinyBloom.constant(tmp.resolve("const9"), VOCAB, 9, null);
    JsonObject j = generateJson("--model", dir.toString(), "--ids", "1", "--max-new-tokens", "4");
    assertArrayEquals(new int[] {9, 9, 9, 9}, ids(j));
  }

  @Test
  void halfWeightsGenerateWhatTheModelPredicts() {
    // The constant model's logit margin (~1600 against ~40) dwarfs float16 rounding.
    Path dir = TinyBloom.constant(tmp.resolve("const7"), VOCAB, 7, null);
    JsonObject j = generateJson("--model", dir.toString(), "--ids", "1,2,3", "--max-new-tokens", "3", "--dtype", "f16");
    assertArrayEquals(new int[] {7, 7, 7}, ids(j));
  }

  @Test
  void unknownWeightTypeIsAUsageError() {
    assertUsageError(run("generate", "--model", plain.toString(), "--ids", "1", "--dtype", "int4"),
        "generate", "--dtype", "int4", "q8_0");
  }

  // ---- streaming

  @Test
  void streamingWithoutTokenizerPrintsIdsAndTimingGoesToStderr() {
    String[] common = {"--model", plain.toString(), "--ids", "5,6", "--max-new-tokens", "4"};
    int[] expected = ids(generateJson(common));
    String[] args = new String[common.length + 1];
    args[0] = "generate";
    System.arraycopy(common, 0, args, 1, common.length);
    CommandRun r = run(args);
    assertEquals(0, r.code(), r.err());
    String ids = IntStream.of(expected).mapToObj(id -> id + " ").collect(Collectors.joining());
    assertEquals(ids + System.lineSeparator(), r.out());
    assertContains(r.err(), "[load ", "prompt 2 tokens", "generated 4 tokens", "finish: length", "seed ");
    assertFalse(r.out().contains("tok/s"), "timings must not be on stdout");
  }

  @Test
  void streamingTextEqualsJsonText() {
    String[] common = {"--model", texty.toString(), "--ids", "267,259,264", "--max-new-tokens", "12"};
    JsonObject j = generateJson(common);
    String text = j.get("text").getAsString();
    CommandRun r = run("generate", "--model", texty.toString(), "--ids", "267,259,264", "--max-new-tokens", "12");
    assertEquals(0, r.code(), r.err());
    assertEquals(text + System.lineSeparator(), r.out());
    assertContains(r.err(), "generated 12 tokens", "finish: length");
  }

  @Test
  void stopStringCutsTheTextBeforeIt() {
    // Sampling with a fixed seed: the run with --stop draws the same tokens up to the stop.
    String[] common = {"--model", texty.toString(), "--ids", "267,259,264", "--max-new-tokens", "24",
        "--temperature", "1", "--seed", "3"};
    String full = generateJson(common).get("text").getAsString();
    // A two-character stop string that first occurs past the start, without replacement characters.
    String stop = null;
    for (int i = 2; i + 2 <= full.length() && stop == null; i++) {
      String s = full.substring(i, i + 2);
      if (full.indexOf(s) == i && s.chars().allMatch(c -> c != 0xFFFD && !Character.isSurrogate((char) c))) {
        stop = s;
      }
    }
    assertTrue(stop != null, "no usable stop string in " + full);
    List<String> args = new ArrayList<>(List.of(common));
    args.addAll(List.of("--stop", stop));
    JsonObject j = generateJson(args.toArray(String[]::new));
    assertEquals("stop_string", j.get("finish_reason").getAsString(), j.toString());
    assertEquals(full.substring(0, full.indexOf(stop)), j.get("text").getAsString());
    // Streaming prints the same cut text, without the stop string.
    List<String> streamed = new ArrayList<>(List.of("generate"));
    streamed.addAll(args);
    CommandRun r = run(streamed.toArray(String[]::new));
    assertEquals(0, r.code(), r.err());
    assertEquals(full.substring(0, full.indexOf(stop)) + System.lineSeparator(), r.out());
    assertContains(r.err(), "finish: stop_string");
  }

  @Test
  void stopStringWithoutTokenizerIsAnError() {
    CommandRun r = run("generate", "--model", plain.toString(), "--ids", "1", "--stop", "x");
    assertEquals(1, r.code(), r.err());
    assertContains(r.err(), "tokenizer.json");
  }

  // ---- prompts and tokenizer

  @Test
  void promptWithoutTokenizerIsAUsageError() {
    CommandRun r = run("generate", "--model", plain.toString(), "--prompt", "hello");
    assertUsageError(r, "generate", "tokenizer.json", "--ids");
  }

  @Test
  void promptWithTokenizer() {
    JsonObject j = generateJson("--model", texty.toString(), "--prompt", "hello world", "--max-new-tokens", "3");
    assertEquals(3, j.get("prompt_tokens").getAsInt(), "<s> hello Ġworld");
    assertTrue(j.get("text").isJsonPrimitive(), "text must be a string: " + j);
    // The same generation from the ids the tokenizer gives for the prompt.
    JsonObject byIds = generateJson("--model", texty.toString(), "--ids", "267,259,264", "--max-new-tokens", "3");
    assertArrayEquals(ids(byIds), ids(j));
    assertEquals(byIds.get("text"), j.get("text"));
  }

  @Test
  void tokenizePrintsTheTokenizersIds() throws Exception {
    CommandRun r = run("tokenize", "--model", texty.toString(), "--text", "hello world");
    assertEquals(0, r.code(), r.err());
    // Byte-level BPE of the test tokenizer: <s>=267 from the post-processor, hello=259, Ġworld=264.
    assertEquals("267,259,264", r.out().strip());
    try (Tokenizer t = Tokenizer.load(texty.resolve("tokenizer.json"))) {
      String expected = IntStream.of(t.encode("hello world, aa é")).mapToObj(Integer::toString)
          .collect(Collectors.joining(","));
      CommandRun r2 = run("tokenize", "--model", texty.toString(), "--text=hello world, aa é");
      assertEquals(0, r2.code(), r2.err());
      assertEquals(expected, r2.out().strip());
    }
  }

  @Test
  void tokenizeWithoutTokenizerFails() {
    CommandRun r = run("tokenize", "--model", plain.toString(), "--text", "hi");
    assertEquals(1, r.code(), r.err());
    assertContains(r.err(), "tokenizer.json", plain.toString());
  }

  // ---- logits

  @Test
  void logitsFileHoldsTheModelsLogits() throws Exception {
    Path file = tmp.resolve("logits.npy");
    CommandRun r = run("logits", "--model", plain.toString(), "--ids", "3,1,4,1,5", "--out", file.toString());
    assertEquals(0, r.code(), r.err());
    assertContains(r.err(), "[5, " + VOCAB + "]");
    NpyReader.Npy npy = NpyReader.read(file);
    assertEquals(5, npy.rows());
    assertEquals(VOCAB, npy.cols());
    float[][] expected;
    try (AlibiLM lm = AlibiLM.load(plain)) {
      expected = lm.logits(new int[] {3, 1, 4, 1, 5});
    }
    for (int p = 0; p < 5; p++) {
      assertArrayEquals(expected[p], npy.values()[p], "position " + p);
    }
    // The last row's argmax is what greedy generation picks next.
    int next = ids(generateJson("--model", plain.toString(), "--ids", "3,1,4,1,5", "--max-new-tokens", "1"))[0];
    assertEquals(argmax(npy.values()[4]), next);
  }

  @Test
  void logitsOfAnIdOutsideTheVocabularyFailWithoutWritingAFile() {
    Path file = tmp.resolve("never.npy");
    CommandRun r = run("logits", "--model", plain.toString(), "--ids", "1," + VOCAB, "--out", file.toString());
    assertEquals(1, r.code(), r.err());
    assertContains(r.err(), Integer.toString(VOCAB), "vocabulary");
    assertFalse(Files.exists(file));
  }

  @Test
  void logitsNeedIdsAndOut() {
    assertUsageError(run("logits", "--model", plain.toString(), "--out", "x.npy"), "logits", "--ids");
    assertUsageError(run("logits", "--model", plain.toString(), "--ids", "1"), "logits", "--out");
  }

  // ---- errors

  @Test
  void unknownCommand() {
    CommandRun r = run("frobnicate", "--model", "x");
    assertEquals(2, r.code());
    assertContains(r.err(), "unknown command 'frobnicate'", "usage: java -jar alibi4j.jar <command>", "generate");
  }

  @Test
  void noArgumentsIsAUsageError() {
    assertEquals(2, run().code());
  }

  @Test
  void helpPrintsUsageAndSucceeds() {
    CommandRun r = run("generate", "--help");
    assertEquals(0, r.code());
    assertContains(r.out(), "--max-new-tokens", "--temperature", "--json");
  }

  @Test
  void unknownOption() {
    assertUsageError(run("generate", "--model", plain.toString(), "--ids", "1", "--bogus", "3"),
        "generate", "unknown option --bogus");
  }

  @ParameterizedTest
  @ValueSource(strings = {"--top-p=1.5", "--top-p=0", "--max-new-tokens=0", "--temperature=abc",
      "--temperature=-1", "--top-k=-1", "--repetition-penalty=0", "--seed=x", "--ids=1,,2", "--ids=-4",
      "--stop="})
  void badValue(String option) {
    String name = option.substring(0, option.indexOf('='));
    CommandRun r = run("generate", "--model", plain.toString(), "--ids", "1", option);
    if (name.equals("--ids")) { // replaces the valid --ids: given twice is also refused
      r = run("generate", "--model", plain.toString(), option);
    }
    assertEquals(2, r.code(), option + " -> " + r.err());
    assertContains(r.err(), "usage: java -jar alibi4j.jar generate");
    // Named as the option (--top-p) or as the parameter (topP): compare without '-' and case.
    String squashed = r.err().toLowerCase(Locale.ROOT).replace("-", "");
    assertTrue(squashed.contains(name.replace("-", "")), "the message must name " + name + ": " + r.err());
  }

  @Test
  void promptAndIdsTogetherOrNeither() {
    assertUsageError(run("generate", "--model", texty.toString(), "--ids", "1", "--prompt", "x"),
        "generate", "--prompt", "--ids");
    assertUsageError(run("generate", "--model", texty.toString()), "generate", "--prompt", "--ids");
  }

  @Test
  void missingModelDirectory() {
    Path absent = tmp.resolve("no-such-model");
    for (String command : List.of("generate", "logits")) {
      List<String> args = new ArrayList<>(List.of(command, "--model", absent.toString(), "--ids", "1"));
      if (command.equals("logits")) {
        args.addAll(List.of("--out", tmp.resolve("x.npy").toString()));
      }
      CommandRun r = run(args.toArray(String[]::new));
      assertEquals(1, r.code(), command + ": " + r.err());
      assertContains(r.err(), absent.toString());
      assertFalse(r.err().contains("usage:"), "a checkpoint error is not a usage error: " + r.err());
    }
  }

  @Test
  void idOutsideTheVocabulary() {
    CommandRun r = run("generate", "--model", plain.toString(), "--ids", "1,2,300", "--max-new-tokens", "2");
    assertEquals(1, r.code(), r.err());
    assertContains(r.err(), "300", "vocabulary", Integer.toString(VOCAB));
    assertNotEquals("", r.err());
  }

  @Test
  void paddedVocabularyIdsDoNotAbortGeneration() {
    // vocab_size 272 > the tokenizer's 269 tokens, and the model always predicts 270.
    Path dir = TinyBloom.withTokenizer(TinyBloom.constant(tmp.resolve("padded"), VOCAB, 270, null));
    JsonObject j = generateJson("--model", dir.toString(), "--ids", "259", "--max-new-tokens", "3");
    assertArrayEquals(new int[] {270, 270, 270}, ids(j));
    assertEquals("", j.get("text").getAsString());
  }
}
