package dev.alibi4j.tokenizer;

import static dev.alibi4j.tokenizer.TinyTokenizers.AA;
import static dev.alibi4j.tokenizer.TinyTokenizers.BOS;
import static dev.alibi4j.tokenizer.TinyTokenizers.END_OF_TEXT;
import static dev.alibi4j.tokenizer.TinyTokenizers.E_ACUTE;
import static dev.alibi4j.tokenizer.TinyTokenizers.HELLO;
import static dev.alibi4j.tokenizer.TinyTokenizers.SPACE_WORLD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Encode, decode and lookups on the hand-made byte-level BPE (ids worked out by hand). */
class TokenizerTest {

  private static Tokenizer tokenizer;

  @BeforeAll
  static void load() {
    tokenizer = TinyTokenizers.byteLevel();
  }

  @AfterAll
  static void close() {
    tokenizer.close();
  }

  @Test
  void encodeAppliesMergesAndThePostProcessor() {
    assertArrayEquals(new int[] {BOS, HELLO, SPACE_WORLD}, tokenizer.encode("hello world"));
    assertArrayEquals(new int[] {HELLO, SPACE_WORLD}, tokenizer.encode("hello world", false));
    assertArrayEquals(
        new int[] {HELLO, ',', SPACE_WORLD, '!'}, tokenizer.encode("hello, world!", false));
    assertArrayEquals(new int[] {BOS}, tokenizer.encode(""));
    assertArrayEquals(new int[0], tokenizer.encode("", false));
  }

  @Test
  void encodeSplitsUnmergedCharactersIntoBytes() {
    assertArrayEquals(new int[] {E_ACUTE}, tokenizer.encode("é", false)); // merged C3 A9
    assertArrayEquals(new int[] {0xC3, 0xBC}, tokenizer.encode("ü", false));
    assertArrayEquals(new int[] {AA, 'a'}, tokenizer.encode("aaa", false)); // leftmost pair first
  }

  @Test
  void encodeRecognisesAddedTokensInText() {
    assertArrayEquals(
        new int[] {HELLO, BOS, 'x', END_OF_TEXT},
        tokenizer.encode("hello<s>x<|endoftext|>", false));
  }

  @Test
  void encodeNeverTruncatesOrPads() {
    int[] ids = tokenizer.encode("a".repeat(100_000));
    assertEquals(1 + 50_000, ids.length); // DJL's default would cut at 512
    assertEquals(BOS, ids[0]);
    assertTrue(Arrays.stream(ids, 1, ids.length).allMatch(id -> id == AA));
    assertEquals(2, tokenizer.encode("hello world", false).length);
  }

  @Test
  void decodeKeepsOrSkipsSpecialTokens() {
    int[] ids = {BOS, HELLO, SPACE_WORLD, END_OF_TEXT};
    assertEquals("<s>hello world<|endoftext|>", tokenizer.decode(ids));
    assertEquals("hello world", tokenizer.decode(ids, true));
  }

  @Test
  void decodeJoinsBytesIntoCharacters() {
    assertEquals("ü", tokenizer.decode(new int[] {0xC3, 0xBC}));
    assertEquals("\uFFFD", tokenizer.decode(new int[] {0xC3})); // unfinished character
    assertEquals("😀", tokenizer.decode(new int[] {0xF0, 0x9F, 0x98, 0x80}));
    String text = "Grüße, 世界! 😀 hello world";
    assertEquals(text, tokenizer.decode(tokenizer.encode(text, false)));
  }

  @Test
  void decodeRejectsIdsOutsideTheVocabulary() {
    for (int id : new int[] {269, 1000, -1}) {
      var e =
          assertThrows(
              IllegalArgumentException.class, () -> tokenizer.decode(new int[] {HELLO, id}));
      assertTrue(e.getMessage().contains(Integer.toString(id)), e.getMessage());
      assertTrue(e.getMessage().contains("269"), e.getMessage());
    }
  }

  @Test
  void vocabSizeCountsAddedTokens() {
    assertEquals(256 + 11 + 2, tokenizer.vocabSize());
  }

  @Test
  void tokenIdLooksUpVocabularyAndAddedTokens() {
    assertEquals(OptionalInt.of(BOS), tokenizer.tokenId("<s>"));
    assertEquals(OptionalInt.of(END_OF_TEXT), tokenizer.tokenId("<|endoftext|>"));
    assertEquals(OptionalInt.of(SPACE_WORLD), tokenizer.tokenId("Ġworld"));
    assertEquals(OptionalInt.of('a'), tokenizer.tokenId("a"));
    assertEquals(OptionalInt.empty(), tokenizer.tokenId("world"));
  }

  @Test
  void closedTokenizerRefusesWork() {
    Tokenizer closed = TinyTokenizers.byteLevel();
    closed.close();
    assertThrows(IllegalStateException.class, () -> closed.encode("hello"));
    assertThrows(IllegalStateException.class, () -> closed.decode(new int[] {HELLO}));
    closed.close(); // twice is harmless
  }

  @Test
  void metaspaceDecoderDropsTheFirstSpaceOnly() {
    try (Tokenizer metaspace = TinyTokenizers.metaspace()) {
      assertArrayEquals(new int[] {1, 2, 3, 0}, metaspace.encode("hello world foo bar"));
      assertEquals("hello world foo", metaspace.decode(new int[] {1, 2, 3}));
      assertEquals(4, metaspace.vocabSize());
    }
  }
}
