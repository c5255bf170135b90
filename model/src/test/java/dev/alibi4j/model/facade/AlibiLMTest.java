package dev.alibi4j.model.facade;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.generation.FinishReason;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link AlibiLM} facade on tiny checkpoints written by {@link TinyCheckpoints}. */
class AlibiLMTest {

  /** TinyCheckpoints' default vocabulary. */
  private static final int VOCAB = 32;

  /** TinyCheckpoints' BLOOM config sets eos_token_id 2. */
  private static final int BLOOM_EOS = 2;

  @TempDir Path tmp;

  // ---- helpers

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** Greedy ids by hand, through a session, with no end-of-sequence token. */
  private static int[] greedyByHand(AlibiLM lm, int[] prompt, int n) {
    int[] ids = new int[n];
    try (InferenceSession session = lm.newSession()) {
      float[] logits = session.append(prompt);
      for (int i = 0; i < n; i++) {
        ids[i] = argmax(logits);
        logits = session.append(new int[] {ids[i]});
      }
    }
    return ids;
  }

  private static GenerationParams greedy(int maxNew) {
    return GenerationParams.builder().maxNewTokens(maxNew).temperature(0).build();
  }

  /**
   * A Metaspace word-level tokenizer.json with {@code size} tokens: 0 "[UNK]", 1 "▁hello", 2
   * "▁world", then "▁w3", "▁w4", ….
   */
  private static void writeTokenizer(Path dir, int size) throws Exception {
    StringBuilder vocab = new StringBuilder("\"[UNK]\": 0, \"\u2581hello\": 1, \"\u2581world\": 2");
    for (int id = 3; id < size; id++) {
      vocab.append(", \"\u2581w").append(id).append("\": ").append(id);
    }
    String metaspace = "{\"type\": \"Metaspace\", \"replacement\": \"\u2581\", \"prepend_scheme\": \"always\", \"split\": true}";
    String json = "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null,"
        + " \"added_tokens\": [{\"id\": 0, \"content\": \"[UNK]\", \"single_word\": false, \"lstrip\": false,"
        + " \"rstrip\": false, \"normalized\": false, \"special\": true}],"
        + " \"normalizer\": null, \"pre_tokenizer\": " + metaspace + ", \"post_processor\": null,"
        + " \"decoder\": " + metaspace + ","
        + " \"model\": {\"type\": \"WordLevel\", \"vocab\": {" + vocab + "}, \"unk_token\": \"[UNK]\"}}";
    Files.writeString(dir.resolve("tokenizer.json"), json, StandardCharsets.UTF_8);
  }

  /** Child managers of DJL's PyTorch system manager: one per loaded checkpoint. */
  private static int liveManagers() throws Exception {
    Field resources = BaseNDManager.class.getDeclaredField("resources");
    resources.setAccessible(true);
    try (NDManager probe = NDManager.newBaseManager("PyTorch")) {
      return ((Map<?, ?>) resources.get(probe.getParentManager())).size() - 1; // less the probe
    }
  }

  // ---- loading and logits

  @ParameterizedTest
  @EnumSource(Family.class)
  void logitsEqualASessionsAppendAllAndTheCachedPath(Family kind) {
    Path dir = tmp.resolve(kind.name());
    TinyCheckpoints.of(kind).write(dir);
    int[] ids = {1, 5, 9, 3, 31, 0};
    try (AlibiLM lm = AlibiLM.load(dir)) {
      assertEquals(VOCAB, lm.config().vocabSize());
      assertTrue(lm.tokenizer().isEmpty());
      float[][] logits = lm.logits(ids);
      assertEquals(ids.length, logits.length);
      float[][] expected;
      try (InferenceSession session = lm.newSession()) {
        expected = session.appendAll(ids);
      }
      for (int p = 0; p < ids.length; p++) {
        assertEquals(VOCAB, logits[p].length);
        assertArrayEquals(expected[p], logits[p], "position " + p);
      }
      // One token at a time through the KV cache gives the same rows (to float32 rounding).
      try (InferenceSession session = lm.newSession()) {
        for (int p = 0; p < ids.length; p++) {
          assertArrayEquals(logits[p], session.append(new int[] {ids[p]}), 1e-4f, "cached position " + p);
        }
      }
    }
  }

  @Test
  void logitsRefuseIdsOutsideTheVocabulary() {
    Path dir = TinyCheckpoints.bloom().write(tmp.resolve("b")).dir();
    try (AlibiLM lm = AlibiLM.load(dir)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lm.logits(new int[] {1, VOCAB}));
      assertMentions(e, Integer.toString(VOCAB), "vocabulary");
      assertThrows(IllegalArgumentException.class, () -> lm.generate(new int[] {-1}, greedy(2), null));
      assertThrows(IllegalArgumentException.class, () -> lm.generate(new int[0], greedy(2), null));
    }
  }

  // ---- generation and end-of-sequence tokens

  @Test
  void greedyGenerationIsTheArgmaxLoopAndStopsAtTheConfigEos() {
    Path dir = TinyCheckpoints.bloom().seed(3).write(tmp.resolve("b")).dir();
    int[] prompt = {4, 8, 15};
    try (AlibiLM lm = AlibiLM.load(dir)) {
      assertEquals(List.of(BLOOM_EOS), lm.checkpoint().specialTokens().eosTokenIds());
      int[] byHand = greedyByHand(lm, prompt, 12);
      int eosAt = IntStream.range(0, byHand.length).filter(i -> byHand[i] == BLOOM_EOS).findFirst().orElse(-1);
      int[] expected = eosAt < 0 ? byHand : Arrays.copyOf(byHand, eosAt);
      GenerationResult r = lm.generate(prompt, greedy(12), null);
      assertArrayEquals(expected, r.ids());
      assertEquals(eosAt < 0 ? FinishReason.LENGTH : FinishReason.EOS, r.finishReason());
      assertEquals(expected.length, r.generatedTokens());
      assertEquals(3, r.promptTokens());
      assertEquals(null, r.text(), "no tokenizer: no text");
    }
  }

  @Test
  void theCheckpointsEosTokenEndsGeneration() throws Exception {
    int[] prompt = {4, 8, 15};
    int[] byHand;
    try (AlibiLM lm = AlibiLM.load(TinyCheckpoints.bloom().seed(7).config(c -> c.add("eos_token_id", null))
        .write(tmp.resolve("free")).dir())) {
      assertEquals(List.of(), lm.checkpoint().specialTokens().eosTokenIds());
      byHand = greedyByHand(lm, prompt, 10);
      GenerationResult free = lm.generate(prompt, greedy(10), null);
      assertArrayEquals(byHand, free.ids(), "no eos: the whole argmax sequence");
      assertEquals(FinishReason.LENGTH, free.finishReason());
    }
    // The first token that is new in the sequence becomes the end-of-sequence token.
    int k = firstNew(byHand);
    int eos = byHand[k];
    int other = IntStream.range(0, VOCAB).filter(id -> id != eos && !containsBefore(byHand, id, k)).findFirst().getAsInt();
    int[] expected = Arrays.copyOf(byHand, k);

    // From config.json, as a list.
    JsonArray list = new JsonArray();
    list.add(other);
    list.add(eos);
    Path listed = TinyCheckpoints.bloom().seed(7).config(c -> c.add("eos_token_id", list))
        .write(tmp.resolve("listed")).dir();
    // From generation_config.json, overriding config.json's 2.
    Path generation = TinyCheckpoints.bloom().seed(7).write(tmp.resolve("generation")).dir();
    Files.writeString(generation.resolve("generation_config.json"), "{\"eos_token_id\": " + eos + "}");
    for (Path dir : List.of(listed, generation)) {
      try (AlibiLM lm = AlibiLM.load(dir)) {
        GenerationResult r = lm.generate(prompt, greedy(10), null);
        assertArrayEquals(expected, r.ids(), dir.getFileName().toString());
        assertEquals(FinishReason.EOS, r.finishReason(), dir.getFileName().toString());
        assertEquals(k, r.generatedTokens());
        // Sampling ends at it too, and never returns it.
        GenerationResult sampled = lm.generate(prompt,
            GenerationParams.builder().maxNewTokens(40).temperature(1.5).seed(9).build(), null);
        List<Integer> eosIds = lm.checkpoint().specialTokens().eosTokenIds();
        assertEquals(dir == listed ? List.of(other, eos) : List.of(eos), eosIds);
        assertFalse(IntStream.of(sampled.ids()).anyMatch(eosIds::contains), Arrays.toString(sampled.ids()));
        assertTrue(sampled.finishReason() == FinishReason.EOS || sampled.generatedTokens() == 40);
      }
    }
  }

  /** The smallest k such that ids[k] does not occur before k (0 when ids[0] repeats forever). */
  private static int firstNew(int[] ids) {
    for (int k = 1; k < ids.length; k++) {
      if (!containsBefore(ids, ids[k], k)) {
        return k;
      }
    }
    return 0;
  }

  private static boolean containsBefore(int[] ids, int id, int end) {
    return IntStream.range(0, end).anyMatch(i -> ids[i] == id);
  }

  @Test
  void paramsEosReplacesTheCheckpoints() {
    Path dir = TinyCheckpoints.bloom().seed(3).write(tmp.resolve("b")).dir();
    int[] prompt = {4, 8, 15};
    try (AlibiLM lm = AlibiLM.load(dir)) {
      int first = greedyByHand(lm, prompt, 1)[0];
      GenerationResult r = lm.generate(prompt,
          GenerationParams.builder().maxNewTokens(5).eosTokenId(first).build(), null);
      assertEquals(FinishReason.EOS, r.finishReason());
      assertEquals(0, r.ids().length);
      assertEquals(0, r.generatedTokens());
    }
  }

  @Test
  void withoutEosInParamsTheResultNeverHoldsTheCheckpointsEos() {
    Path dir = TinyCheckpoints.bloom().seed(5).write(tmp.resolve("b")).dir();
    try (AlibiLM lm = AlibiLM.load(dir)) {
      for (long seed = 1; seed <= 5; seed++) {
        GenerationResult r = lm.generate(new int[] {1},
            GenerationParams.builder().maxNewTokens(30).temperature(2).seed(seed).build(), null);
        assertFalse(IntStream.of(r.ids()).anyMatch(id -> id == BLOOM_EOS), Arrays.toString(r.ids()));
        assertEquals(r.finishReason() == FinishReason.EOS ? r.ids().length : 30, r.generatedTokens());
        assertTrue(r.finishReason() == FinishReason.EOS || r.finishReason() == FinishReason.LENGTH);
      }
    }
  }

  // ---- text

  @Test
  void textMethodsWithoutTokenizerNameTheFile() {
    Path dir = TinyCheckpoints.bloom().write(tmp.resolve("b")).dir();
    try (AlibiLM lm = AlibiLM.load(dir)) {
      List<Executable> calls = List.of(
          () -> lm.encode("hello"),
          () -> lm.decode(new int[] {1}),
          () -> lm.generate("hello", greedy(2), null),
          () -> lm.generate(new int[] {1}, GenerationParams.builder().stopString("x").build(), null));
      for (Executable call : calls) {
        IllegalStateException e = assertThrows(IllegalStateException.class, call);
        assertMentions(e, "tokenizer.json", dir.toString());
      }
      // Ids still work.
      assertEquals(2, lm.generate(new int[] {1}, GenerationParams.builder().maxNewTokens(2).eosTokenId(VOCAB + 5).build(), null)
          .generatedTokens());
    }
  }

  @Test
  void withATokenizerTextIsEncodedAndStreamed() throws Exception {
    Path dir = TinyCheckpoints.bloom().seed(3).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("t")).dir();
    writeTokenizer(dir, VOCAB);
    try (AlibiLM lm = AlibiLM.load(dir)) {
      assertTrue(lm.tokenizer().isPresent());
      assertArrayEquals(new int[] {1, 2}, lm.encode("hello world"));
      assertEquals("hello world w7", lm.decode(new int[] {1, 2, 7}));
      StringBuilder streamed = new StringBuilder();
      GenerationResult r = lm.generate("hello world", greedy(6), (id, piece) -> streamed.append(piece));
      assertEquals(2, r.promptTokens());
      assertArrayEquals(greedyByHand(lm, new int[] {1, 2}, 6), r.ids());
      // The generated ids are decoded on their own, as Hugging Face's TextStreamer(skip_prompt=True)
      // does: a Metaspace decoder drops the first word's space ("w7 w9", not " w7 w9").
      assertEquals(lm.decode(r.ids()), r.text());
      assertEquals(r.text(), streamed.toString());
    }
  }

  @Test
  void idsPastTheTokenizersVocabularyDoNotAbortGeneration() throws Exception {
    GenerationParams params = GenerationParams.builder().maxNewTokens(30).temperature(3).seed(1).build();
    int[] expected;
    Path bare = TinyCheckpoints.bloom().seed(3).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("bare")).dir();
    try (AlibiLM lm = AlibiLM.load(bare)) {
      expected = lm.generate(new int[] {1}, params, null).ids();
    }
    assertTrue(IntStream.of(expected).anyMatch(id -> id >= 20), "the sample must reach ids >= 20");
    Path dir = TinyCheckpoints.bloom().seed(3).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("t")).dir();
    writeTokenizer(dir, 20); // the model has 32 rows, the tokenizer 20 tokens
    try (AlibiLM lm = AlibiLM.load(dir)) {
      GenerationResult r = lm.generate(new int[] {1}, params, null);
      assertArrayEquals(expected, r.ids());
      assertEquals(FinishReason.LENGTH, r.finishReason());
      assertEquals(lm.decode(IntStream.of(r.ids()).filter(id -> id < 20).toArray()), r.text());
    }
  }

  // ---- bad checkpoints

  @Test
  void badDirectoriesThrowTheDocumentedExceptionAndLeakNoWeights() throws Exception {
    Path absent = tmp.resolve("absent");
    Path missingTensor = TinyCheckpoints.bloom().omit("h.1.mlp.dense_4h_to_h.weight").write(tmp.resolve("m")).dir();
    Path wrongShape = TinyCheckpoints.bloom().config(c -> c.addProperty("hidden_size", 24))
        .heads(4).write(tmp.resolve("s")).dir();
    Path noWeights = tmp.resolve("w");
    TinyCheckpoints.bloom().write(noWeights);
    Files.delete(noWeights.resolve("model.safetensors"));
    Path badTokenizer = TinyCheckpoints.bloom().write(tmp.resolve("tok")).dir();
    Files.writeString(badTokenizer.resolve("tokenizer.json"), "{\"model\": 12");

    try (AlibiLM warm = AlibiLM.load(TinyCheckpoints.bloom().write(tmp.resolve("ok")).dir())) {
      assertEquals(VOCAB, warm.config().vocabSize()); // the engine is up before counting
    }
    int before = liveManagers();
    assertMentions(assertThrows(CheckpointException.class, () -> AlibiLM.load(absent)), absent.toString());
    assertMentions(assertThrows(CheckpointException.class, () -> AlibiLM.load(missingTensor)),
        "h.1.mlp.dense_4h_to_h.weight");
    assertMentions(assertThrows(CheckpointException.class, () -> AlibiLM.load(wrongShape)), "24");
    assertThrows(CheckpointException.class, () -> AlibiLM.load(noWeights));
    assertMentions(assertThrows(UncheckedIOException.class, () -> AlibiLM.load(badTokenizer)), "tokenizer.json");
    assertEquals(before, liveManagers(), "weights managers left open by failed loads");

    try (AlibiLM lm = AlibiLM.load(TinyCheckpoints.bloom().write(tmp.resolve("ok2")).dir())) {
      assertEquals(before + 1, liveManagers(), "a loaded checkpoint holds one manager");
    }
    assertEquals(before, liveManagers(), "close frees the weights");
  }
}
