package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.engine.eval.PerplexityResult;
import dev.alibi4j.engine.eval.WindowedPerplexity;
import dev.alibi4j.model.AlibiLM;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code perplexity} called directly: usage errors, runtime errors and the JSON report. */
class PerplexityCommandTest {

  @TempDir static Path tmp;

  /** Random weights with the test tokenizer. */
  static Path model;

  /** Random weights, no tokenizer.json. */
  static Path noTokenizer;

  static Path text;

  @BeforeAll
  static void setUp() throws Exception {
    model = TinyBloom.withTokenizer(TinyBloom.random(tmp.resolve("model"), TinyBloom.TOKENIZER_VOCAB, 3));
    noTokenizer = TinyBloom.random(tmp.resolve("bare"), 64, 4);
    text = Files.writeString(tmp.resolve("text.txt"),
        "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n");
  }

  private static CommandRun run(String... args) throws Exception {
    return CommandRun.of(new PerplexityCommand(), args);
  }

  private static String usageError(String... args) {
    return assertThrows(UsageException.class, () -> run(args)).getMessage();
  }

  @Test
  void fileIsRequired() {
    assertTrue(usageError("--model", model.toString()).contains("--file"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1", "0", "-3", "x", "1.5"})
  void contextMustBeAnIntegerOfAtLeastTwo(String value) {
    String m = usageError("--model", model.toString(), "--file", text.toString(), "--context", value);
    assertTrue(m.contains("--context"), m);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "x"})
  void strideMustBeAPositiveInteger(String value) {
    String m = usageError("--model", model.toString(), "--file", text.toString(), "--stride", value);
    assertTrue(m.contains("--stride"), m);
  }

  @Test
  void strideLongerThanContext() {
    String m = usageError("--model", model.toString(), "--file", text.toString(),
        "--context", "8", "--stride", "9");
    assertTrue(m.contains("--stride") && m.contains("8"), m);
  }

  @Test
  void defaultStrideIsCheckedAgainstDefaultContext() {
    String m = usageError("--model", model.toString(), "--file", text.toString(), "--stride", "129");
    assertTrue(m.contains("128"), m);
  }

  @Test
  void unknownOptionAndStrayArgument() {
    assertTrue(usageError("--file", text.toString(), "--window", "8").contains("--window"));
    assertTrue(usageError("--file", text.toString(), "extra").contains("extra"));
  }

  @Test
  void missingFileIsARuntimeError() {
    Path missing = tmp.resolve("nope.txt");
    var e = assertThrows(IllegalArgumentException.class,
        () -> run("--model", model.toString(), "--file", missing.toString()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  @Test
  void checkpointWithoutTokenizerIsRefused() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> run("--model", noTokenizer.toString(), "--file", text.toString()));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
  }

  @Test
  void withoutModelAndWithoutBuiltInModelTheMessageSaysPassModel() {
    assumeFalse(BuiltinModel.available(), "this build ships the built-in model");
    var e = assertThrows(IllegalStateException.class, () -> run("--file", text.toString()));
    assertEquals("this build has no built-in model: pass --model DIR", e.getMessage());
  }

  @Test
  void jsonIsOneObjectOnStdoutAndMatchesTheEngine() throws Exception {
    CommandRun r = run("--model", model.toString(), "--file", text.toString(),
        "--context", "16", "--stride", "8", "--unigram", "--json");
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().strip().split("\n");
    assertEquals(1, lines.length, "stdout must be one line: " + r.out());
    JsonObject j = JsonParser.parseString(lines[0]).getAsJsonObject();
    for (String key : new String[] {"perplexity", "tokens", "context", "stride", "tokens_per_s",
        "unigram_perplexity"}) {
      assertTrue(j.has(key), "missing " + key + " in " + j);
    }
    assertEquals(16, j.get("context").getAsInt());
    assertEquals(8, j.get("stride").getAsInt());
    try (AlibiLM lm = AlibiLM.load(model)) {
      int[] tokens = lm.encode(Files.readString(text));
      PerplexityResult expected = WindowedPerplexity.evaluate(lm.model(), tokens, 16, 8, null);
      assertEquals(tokens.length - 1, j.get("tokens").getAsLong());
      assertEquals(expected.perplexity(), j.get("perplexity").getAsDouble(), 1e-9 * expected.perplexity());
    }
    double unigram = j.get("unigram_perplexity").getAsDouble();
    assertTrue(unigram > 1 && Double.isFinite(unigram), "unigram " + unigram);
    assertTrue(r.err().contains("100.0%"), "progress on stderr: " + r.err());
  }

  @Test
  void textReportWithDefaults() throws Exception {
    CommandRun r = run("--model", model.toString(), "--file", text.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("perplexity "), r.out());
    assertTrue(r.out().contains("context 128, stride 128"), r.out());
    assertFalse(r.out().contains("unigram"), r.out());
  }
}
