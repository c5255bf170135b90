package dev.alibi4j.tokenizer;

import static dev.alibi4j.tokenizer.TinyTokenizers.BOS;
import static dev.alibi4j.tokenizer.TinyTokenizers.BYTE_LEVEL_VOCAB_SIZE;
import static dev.alibi4j.tokenizer.TinyTokenizers.END_OF_TEXT;
import static dev.alibi4j.tokenizer.TinyTokenizers.HELLO;
import static dev.alibi4j.tokenizer.TinyTokenizers.SPACE_WORLD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Streaming on the hand-made tokenizers, where each id is a known byte or word. */
class StreamingDetokenizerTest {

  private static final int MAX_WINDOW = 2 * StreamingDetokenizer.MAX_PENDING_TOKENS + 1;
  private static Tokenizer byteLevel;

  @BeforeAll
  static void load() {
    byteLevel = TinyTokenizers.byteLevel();
  }

  @AfterAll
  static void close() {
    byteLevel.close();
  }

  @Test
  void wholeTokensComeOutAtOnce() {
    int[] ids = {BOS, HELLO, SPACE_WORLD, '!', END_OF_TEXT};
    assertEquals(
        List.of("<s>", "hello", " world", "!", "<|endoftext|>", ""),
        Streams.pieces(byteLevel, ids));
    assertEquals(List.of("", "hello", " world", "!", "", ""), Streams.pieces(byteLevel, ids, true));
  }

  @Test
  void characterSplitAcrossTokensWaitsForItsLastByte() {
    assertEquals(
        List.of("a", "", "ü", "!", ""),
        Streams.pieces(byteLevel, new int[] {'a', 0xC3, 0xBC, '!'}));
    assertEquals(
        List.of("", "", "", "😀", ""),
        Streams.pieces(byteLevel, new int[] {0xF0, 0x9F, 0x98, 0x80}));
  }

  @Test
  void genuineReplacementCharacterIsReleased() {
    // 0x80 alone is not UTF-8: decode shows U+FFFD, which must come out, at the latest on flush.
    assertEquals(List.of("a", "", "\uFFFD"), Streams.pieces(byteLevel, new int[] {'a', 0x80}));
    assertEquals(List.of("", "\uFFFDa", ""), Streams.pieces(byteLevel, new int[] {0x80, 'a'}));
    // U+FFFD itself (EF BF BD) looks the same as an unfinished character: held until text follows.
    assertEquals(
        List.of("", "", "", "\uFFFDa", ""),
        Streams.pieces(byteLevel, new int[] {0xEF, 0xBF, 0xBD, 'a'}));
  }

  @Test
  void longRunOfInvalidBytesIsNotHeldBack() {
    StreamingDetokenizer detokenizer = new StreamingDetokenizer(byteLevel);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      out.append(detokenizer.next(0x80));
      assertTrue(detokenizer.windowSize() <= MAX_WINDOW, "window " + detokenizer.windowSize());
    }
    assertTrue(out.length() >= 100 - 3, "held back " + (100 - out.length()));
    out.append(detokenizer.flush());
    assertEquals("\uFFFD".repeat(100), out.toString());
  }

  @Test
  void unfinishedCharactersThatBreakStayBroken() {
    // E4 B8 starts a 3-byte character; the next E4 breaks it, so each pair is one U+FFFD until the
    // last pair gets its AD: 中.
    int[] ids = new int[41];
    for (int i = 0; i < 40; i += 2) {
      ids[i] = 0xE4;
      ids[i + 1] = 0xB8;
    }
    ids[40] = 0xAD;
    String expected = "\uFFFD".repeat(19) + "中";
    assertEquals(expected, byteLevel.decode(ids));
    assertEquals(expected, String.join("", Streams.pieces(byteLevel, ids)));
  }

  @Test
  void randomIdsStreamToTheirDecoding() {
    for (int seed = 0; seed < 40; seed++) {
      Random random = new Random(seed);
      // Mostly bytes >= 0x80, the ones that make broken and split characters.
      int[] ids =
          IntStream.range(0, 400)
              .map(
                  i ->
                      random.nextInt(4) == 0
                          ? random.nextInt(BYTE_LEVEL_VOCAB_SIZE)
                          : 0x80 + random.nextInt(128))
              .toArray();
      for (boolean skip : new boolean[] {false, true}) {
        List<String> pieces = Streams.pieces(byteLevel, ids, skip);
        assertEquals(byteLevel.decode(ids, skip), String.join("", pieces), "seed " + seed);
      }
    }
  }

  @Test
  void windowStaysBounded() {
    StreamingDetokenizer detokenizer = new StreamingDetokenizer(byteLevel);
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      detokenizer.next(random.nextInt(BYTE_LEVEL_VOCAB_SIZE));
      assertTrue(detokenizer.windowSize() <= MAX_WINDOW, "window " + detokenizer.windowSize());
    }
  }

  @Test
  void unknownIdIsRejectedAndChangesNothing() {
    StreamingDetokenizer detokenizer = new StreamingDetokenizer(byteLevel);
    assertEquals("hello", detokenizer.next(HELLO));
    var e =
        assertThrows(IllegalArgumentException.class, () -> detokenizer.next(BYTE_LEVEL_VOCAB_SIZE));
    assertTrue(e.getMessage().contains("269"), e.getMessage());
    assertEquals(" world", detokenizer.next(SPACE_WORLD));
    assertEquals("", detokenizer.flush());
  }

  @Test
  void byteFallbackCharacterWaitsForItsLastByte() {
    try (Tokenizer llamaLike = TinyTokenizers.byteFallback()) {
      // E4 B8 AD is 中; E4 B8 alone shows as two U+FFFD, both of which must wait.
      assertEquals(
          List.of("hello", "", "", "中", ""), Streams.pieces(llamaLike, new int[] {1, 2, 3, 4}));
      assertEquals(
          List.of("", "", "\uFFFD\uFFFD hello", ""),
          Streams.pieces(llamaLike, new int[] {2, 3, 1}));
      assertEquals(List.of("hello", "", "\uFFFD"), Streams.pieces(llamaLike, new int[] {1, 5}));
    }
  }

  @Test
  void leadingSpaceDroppedOnlyForTheFirstWord() {
    try (Tokenizer metaspace = TinyTokenizers.metaspace()) {
      int[] ids = {1, 2, 3, 2};
      assertEquals(
          List.of("hello", " world", " foo", " world", ""), Streams.pieces(metaspace, ids));
      assertEquals(metaspace.decode(ids), String.join("", Streams.pieces(metaspace, ids)));
    }
  }
}
