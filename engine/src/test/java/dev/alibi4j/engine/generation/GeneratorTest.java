package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class GeneratorTest {

  private final Generator generator = new Generator();

  // Vocabulary of the text tests: ids 0..9.
  private static final String[] PIECES = {"He", "llo", " wor", "ld<|", "end", "|>", "x", "<", "|", "!"};
  private static final String STOP = "<|end|>";

  private static GenerationParams.Builder greedy(int maxNewTokens) {
    return GenerationParams.builder().maxNewTokens(maxNewTokens);
  }

  // After 0 → 1 (tied with 2, lowest id wins), after 1 → 3, after 3 → 4, after 4 → 0.
  private static FakeModel chain() {
    return FakeModel.keyedByLast(5, Map.of(
        0, new float[] {0, 3, 3, 1, 0},
        1, new float[] {0, 0, 0, 4, 0},
        3, new float[] {0, 0, -1, 0, 9},
        4, new float[] {7, 0, 0, 0, 0}), new float[5]);
  }

  private static void assertAppends(FakeModel model, int[]... expected) {
    assertEquals(expected.length, model.appendCalls(), model.toString());
    for (int i = 0; i < expected.length; i++) {
      assertArrayEquals(expected[i], model.appends.get(i), "append " + i + " of " + model);
    }
  }

  // ---- greedy

  @Test
  void greedyTakesArgmaxAndLowestIdOnTies() {
    FakeModel model = chain();
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(model, new int[] {2, 0}, greedy(4).build(), null, listener);

    assertArrayEquals(new int[] {1, 3, 4, 0}, r.ids());
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertNull(r.text());
    assertEquals(2, r.promptTokens());
    assertEquals(4, r.generatedTokens());
    assertEquals(3, r.decodeSteps());
    // Prefill of the whole prompt, then each generated token but the last fed back alone.
    assertAppends(model, new int[] {2, 0}, new int[] {1}, new int[] {3}, new int[] {4});
    assertEquals(List.of(1, 3, 4, 0), listener.ids);
    assertEquals(List.of("", "", "", ""), listener.pieces);
    assertEquals(1, model.opened);
    assertEquals(1, model.closed);
  }

  @Test
  void repetitionPenaltyAppliesInGreedyMode() {
    // Prompt {1, 0}. After 0: [0.5, 2.0, 1.5, 0, 0]; penalty 2 on seen {0, 1} gives
    // [0.25, 1.0, 1.5, 0, 0] → 2. After 2: [-0.6, -6, -0.7, -1, -5]; seen {0, 1, 2} gives
    // [-1.2, -12, -1.4, -1, -5] → 3 (unpenalised argmax would be 0).
    FakeModel model = FakeModel.keyedByLast(5, Map.of(
        0, new float[] {0.5f, 2.0f, 1.5f, 0, 0},
        2, new float[] {-0.6f, -6f, -0.7f, -1f, -5f}), new float[5]);
    GenerationResult r = generator.generate(
        model, new int[] {1, 0}, greedy(2).repetitionPenalty(2).build(), null, null);
    assertArrayEquals(new int[] {2, 3}, r.ids());

    GenerationResult plain = generator.generate(
        FakeModel.keyedByLast(5, Map.of(0, new float[] {0.5f, 2.0f, 1.5f, 0, 0}), new float[5]),
        new int[] {1, 0}, greedy(1).build(), null, null);
    assertArrayEquals(new int[] {1}, plain.ids());
  }

  @Test
  void repetitionPenaltyCountsTokensGeneratedSoFar() {
    // Every step returns [1.0, 0.9, 0.8]; penalty 2 halves the logits of ids seen so far.
    FakeModel model = new FakeModel(3, (call, last) -> new float[] {1.0f, 0.9f, 0.8f});
    GenerationResult r = generator.generate(
        model, new int[] {2}, greedy(4).repetitionPenalty(2).build(), null, null);
    // Prompt 2 is seen from the start: [1.0, 0.9, 0.4] → 0; [0.5, 0.9, 0.4] → 1;
    // [0.5, 0.45, 0.4] → 0; same → 0.
    assertArrayEquals(new int[] {0, 1, 0, 0}, r.ids());
  }

  // ---- stop conditions

  @Test
  void stopsAtEosWhichIsNotPartOfTheResult() {
    FakeModel model = chain();
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {0}, greedy(10).eosTokenId(4).build(), null, listener);

    assertArrayEquals(new int[] {1, 3}, r.ids());
    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals(2, r.generatedTokens());
    assertEquals(2, r.decodeSteps());
    // EOS is picked from the logits after 3 and never fed back.
    assertAppends(model, new int[] {0}, new int[] {1}, new int[] {3});
    assertEquals(List.of(1, 3), listener.ids);
  }

  @Test
  void anyOfSeveralEosIdsStops() {
    FakeModel model = chain();
    GenerationResult r = generator.generate(
        model, new int[] {0}, greedy(10).eosTokenId(4).eosTokenId(3).build(), null, null);
    assertArrayEquals(new int[] {1}, r.ids());
    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals(2, model.appendCalls());
  }

  @Test
  void eosAsFirstTokenGivesEmptyResult() {
    FakeModel model = FakeModel.script(10, 9);
    FakeDecoder decoder = new FakeDecoder("", PIECES);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {0, 1}, greedy(10).eosTokenId(9).build(), decoder, listener);
    assertArrayEquals(new int[0], r.ids());
    assertEquals("", r.text());
    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals(0, r.generatedTokens());
    assertEquals(0, r.decodeSteps());
    assertEquals(1, model.appendCalls());
    assertEquals(List.of(), listener.ids);
    assertEquals(List.of(), decoder.decoded);
  }

  @Test
  void eosReleasesTheDecodersFlushThroughNoTokenCall() {
    FakeModel model = FakeModel.script(10, 0, 1, 9);
    FakeDecoder decoder = new FakeDecoder("?", PIECES);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {6}, greedy(10).eosTokenId(9).build(), decoder, listener);
    assertEquals("Hello?", r.text());
    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals(List.of(0, 1, TokenListener.NO_TOKEN), listener.ids);
    assertEquals(List.of("He", "llo", "?"), listener.pieces);
    assertEquals(1, decoder.flushes);
  }

  @Test
  void stopsAtMaxNewTokensWithoutForwardPassAfterLastToken() {
    FakeModel model = FakeModel.flat(3);
    GenerationResult r = generator.generate(model, new int[] {2, 1, 2}, greedy(5).build(), null, null);
    assertArrayEquals(new int[] {0, 0, 0, 0, 0}, r.ids());
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(3, r.promptTokens());
    assertEquals(5, r.generatedTokens());
    assertEquals(4, r.decodeSteps());
    assertAppends(model, new int[] {2, 1, 2}, new int[] {0}, new int[] {0}, new int[] {0}, new int[] {0});
  }

  @Test
  void oneNewTokenNeedsOnlyThePrefill() {
    FakeModel model = FakeModel.flat(3);
    GenerationResult r = generator.generate(model, new int[] {1}, greedy(1).build(), null, null);
    assertArrayEquals(new int[] {0}, r.ids());
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(0, r.decodeSteps());
    assertEquals(1, model.appendCalls());
    assertTrue(Double.isNaN(r.decodeTokensPerSecond()));
  }

  @Test
  void longGenerationGrowsTheIdBuffer() {
    FakeModel model = FakeModel.flat(2);
    GenerationResult r = generator.generate(model, new int[] {1}, greedy(1500).build(), null, null);
    assertEquals(1500, r.ids().length);
    assertEquals(1500, r.generatedTokens());
    assertEquals(1499, r.decodeSteps());
    assertEquals(1500, model.appendCalls());
    assertTrue(IntStream.of(r.ids()).allMatch(id -> id == 0));
  }

  // ---- stop strings

  @Test
  void stopStringSpanningTokensCutsTextAndNeverReachesTheListener() {
    // "He" "llo" " wor" "ld<|" "end" "|>" "x": the stop string starts inside the 4th token.
    FakeModel model = FakeModel.script(10, 0, 1, 2, 3, 4, 5, 6);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(20).stopString(STOP).build(), new FakeDecoder("", PIECES), listener);

    assertEquals("Hello world", r.text());
    assertEquals(FinishReason.STOP_STRING, r.finishReason());
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, r.ids());
    assertEquals(6, r.generatedTokens());
    assertEquals(5, r.decodeSteps());
    assertEquals(6, model.appendCalls()); // nothing after the token that completed the stop string
    assertEquals(List.of(0, 1, 2, 3, 4, 5), listener.ids);
    assertEquals(List.of("He", "llo", " wor", "ld", "", ""), listener.pieces);
    assertEquals(r.text(), listener.joined());
  }

  @Test
  void stopStringOfSingleCharacterTokens() {
    // "He" "<" "|" "end" "|>": every token after "He" belongs to the stop string.
    FakeModel model = FakeModel.script(10, 0, 7, 8, 4, 5, 6);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(20).stopString(STOP).build(), new FakeDecoder("", PIECES), listener);
    assertEquals("He", r.text());
    assertEquals(FinishReason.STOP_STRING, r.finishReason());
    assertEquals(List.of("He", "", "", "", ""), listener.pieces);
    for (String piece : listener.pieces) {
      assertFalse(piece.contains("<") || piece.contains("|"), piece);
    }
  }

  @Test
  void partialStopStringIsReleasedWhenLaterTextBreaksIt() {
    // "He" "<" "|" "x": "<|" is held back, then released together with "x".
    FakeModel model = FakeModel.script(10, 0, 7, 8, 6);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(4).stopString(STOP).build(), new FakeDecoder("", PIECES), listener);
    assertEquals("He<|x", r.text());
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(List.of(0, 7, 8, 6), listener.ids);
    assertEquals(List.of("He", "", "", "<|x"), listener.pieces);
    assertEquals(r.text(), listener.joined());
  }

  @Test
  void partialStopStringHeldAtTheEndIsReleasedByTheNoTokenCall() {
    FakeModel model = FakeModel.script(10, 0, 7, 8);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(3).stopString(STOP).build(), new FakeDecoder("", PIECES), listener);
    assertEquals("He<|", r.text());
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(List.of(0, 7, 8, TokenListener.NO_TOKEN), listener.ids);
    assertEquals(List.of("He", "", "", "<|"), listener.pieces);
    assertEquals(r.text(), listener.joined());
  }

  @Test
  void partialStopStringHeldAtEosIsReleasedWithTheFlush() {
    FakeModel model = FakeModel.script(10, 0, 7, 8, 9);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(10).stopString(STOP).eosTokenId(9).build(),
        new FakeDecoder("e", PIECES), listener);
    // Flush "e" keeps "<|e" a possible start of the stop string; the end releases it all.
    assertEquals("He<|e", r.text());
    assertEquals(FinishReason.EOS, r.finishReason());
    assertEquals(List.of(0, 7, 8, TokenListener.NO_TOKEN), listener.ids);
    assertEquals(List.of("He", "", "", "<|e"), listener.pieces);
  }

  @Test
  void stopStringCompletedByTheFlush() {
    // "He" "<" "|" "end", then flush "|>" completes "<|end|>".
    FakeModel model = FakeModel.script(10, 0, 7, 8, 4);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(4).stopString(STOP).build(), new FakeDecoder("|>", PIECES), listener);
    assertEquals("He", r.text());
    assertEquals(FinishReason.STOP_STRING, r.finishReason());
    assertArrayEquals(new int[] {0, 7, 8, 4}, r.ids());
    assertEquals(4, model.appendCalls());
    assertEquals(List.of(0, 7, 8, 4), listener.ids); // no NO_TOKEN call: nothing left to emit
    assertEquals(List.of("He", "", "", ""), listener.pieces);
  }

  @Test
  void flushEmitsTheTextBeforeAStopStringItContains() {
    FakeModel model = FakeModel.script(10, 0, 1);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(2).stopString("!!").build(), new FakeDecoder(" x!!y", PIECES), listener);
    assertEquals("Hello x", r.text());
    assertEquals(FinishReason.STOP_STRING, r.finishReason());
    assertEquals(List.of(0, 1, TokenListener.NO_TOKEN), listener.ids);
    assertEquals(List.of("He", "llo", " x"), listener.pieces);
  }

  @Test
  void earliestOfSeveralStopStringsWins() {
    // Text "Hello world<|end|>": "world" starts before "<|end|>".
    FakeModel model = FakeModel.script(10, 0, 1, 2, 3, 4, 5);
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(20).stopString(STOP).stopString("world").build(),
        new FakeDecoder("", PIECES), null);
    assertEquals("Hello ", r.text());
    assertEquals(FinishReason.STOP_STRING, r.finishReason());
    assertArrayEquals(new int[] {0, 1, 2, 3}, r.ids());
  }

  @Test
  void withoutStopStringsEveryPieceIsEmittedAtOnce() {
    FakeModel model = FakeModel.script(10, 0, 7, 8, 4);
    RecordingListener listener = new RecordingListener();
    GenerationResult r = generator.generate(
        model, new int[] {9}, greedy(4).build(), new FakeDecoder("", PIECES), listener);
    assertEquals("He<|end", r.text());
    assertEquals(List.of("He", "<", "|", "end"), listener.pieces);
  }

  // ---- seeds

  @Test
  void sameSeedGivesSameIdsAndDifferentSeedsDiffer() {
    GenerationParams.Builder b = GenerationParams.builder().maxNewTokens(200).temperature(1);
    GenerationResult a = generator.generate(FakeModel.flat(10), new int[] {0}, b.seed(42).build(), null, null);
    GenerationResult again = generator.generate(FakeModel.flat(10), new int[] {0}, b.seed(42).build(), null, null);
    GenerationResult other = generator.generate(FakeModel.flat(10), new int[] {0}, b.seed(43).build(), null, null);

    assertEquals(42, a.seed());
    assertEquals(43, other.seed());
    assertArrayEquals(a.ids(), again.ids());
    assertFalse(java.util.Arrays.equals(a.ids(), other.ids()));
    // Uniform over 10 ids: 200 draws cover far more than a few of them.
    assertTrue(IntStream.of(a.ids()).distinct().count() >= 8);
  }

  @Test
  void seedIsDrawnAndReportedWhenAbsent() {
    GenerationParams unseeded = GenerationParams.builder().maxNewTokens(100).temperature(1).build();
    assertNull(unseeded.seed());
    GenerationResult first = generator.generate(FakeModel.flat(10), new int[] {0}, unseeded, null, null);
    GenerationResult second = generator.generate(FakeModel.flat(10), new int[] {0}, unseeded, null, null);
    assertNotEquals(first.seed(), second.seed());

    GenerationParams replay = GenerationParams.builder().maxNewTokens(100).temperature(1).seed(first.seed()).build();
    GenerationResult replayed = generator.generate(FakeModel.flat(10), new int[] {0}, replay, null, null);
    assertArrayEquals(first.ids(), replayed.ids());
  }

  // ---- errors

  @Test
  void emptyPromptIsRejected() {
    FakeModel model = FakeModel.flat(5);
    var e = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(model, new int[0], greedy(3).build(), null, null));
    assertTrue(e.getMessage().contains("empty"), e.getMessage());
    var n = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(model, null, greedy(3).build(), null, null));
    assertTrue(n.getMessage().contains("empty"), n.getMessage());
    assertEquals(0, model.opened);
  }

  @Test
  void promptIdOutOfRangeIsRejected() {
    FakeModel model = FakeModel.flat(5);
    var high = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(model, new int[] {0, 5, 1}, greedy(3).build(), null, null));
    assertTrue(high.getMessage().contains("id 5"), high.getMessage());
    assertTrue(high.getMessage().contains("index 1"), high.getMessage());
    assertTrue(high.getMessage().contains("[0, 5)"), high.getMessage());

    var negative = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(model, new int[] {-1}, greedy(3).build(), null, null));
    assertTrue(negative.getMessage().contains("id -1"), negative.getMessage());
    assertTrue(negative.getMessage().contains("index 0"), negative.getMessage());
    assertEquals(0, model.opened);
  }

  @Test
  void sessionIsClosedEvenWhenTheListenerThrows() {
    FakeModel model = FakeModel.flat(3);
    assertThrows(IllegalStateException.class, () -> generator.generate(
        model, new int[] {0}, greedy(3).build(), null, (id, text) -> {
          throw new IllegalStateException("listener failed");
        }));
    assertEquals(1, model.opened);
    assertEquals(1, model.closed);
  }

  @Test
  void stopStringsWithoutDecoderAreRefused() {
    GenerationParams params = greedy(4).stopString("x").build();
    var e = assertThrows(IllegalArgumentException.class,
        () -> generator.generate(chain(), new int[] {0}, params, null, null));
    assertTrue(e.getMessage().contains("stop strings"), e.getMessage());
  }
}
