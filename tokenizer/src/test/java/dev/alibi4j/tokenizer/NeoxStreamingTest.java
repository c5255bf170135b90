package dev.alibi4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Streaming with the real GPT-NeoX / MPT tokenizer. */
class NeoxStreamingTest {

  private static Tokenizer tokenizer;

  @BeforeAll
  static void load() throws IOException {
    tokenizer = NeoxFixture.loadIfPresent();
  }

  @BeforeEach
  void requireFixture() {
    assumeTrue(tokenizer != null, "no neox-tokenizer fixture under shared.dir");
  }

  @AfterAll
  static void close() {
    if (tokenizer != null) {
      tokenizer.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅ 🦙🦙🦙",
        "中文分词测试：我想在apple工作1314151天～ 東京タワー",
        "Ça déçoit: naïve façade, Größe, Ærø, Þórr, ñandú, ŝi, Zürich.",
        "ខ្មែរ ภาษาไทย 한국어 עברית العربية Ελληνικά Русский",
        "mixed: a🙂b中c\nnew line\t\ttabs   spaces 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"
      })
  void piecesAreWholeCharactersAndAddUpToDecode(String text) {
    int[] ids = tokenizer.encode(text);
    List<String> pieces = Streams.pieces(tokenizer, ids);
    for (String piece : pieces) {
      assertFalse(piece.contains("\uFFFD"), "broken character in piece [" + piece + "]");
    }
    assertEquals(tokenizer.decode(ids), String.join("", pieces));
    assertEquals(text, String.join("", pieces));
  }

  @Test
  void charactersReallyAreSplitAcrossTokens() {
    // Guards the test above: its texts must make the detokenizer hold something back.
    int[] ids = tokenizer.encode("🦙🦙🦙 東京タワー");
    assertTrue(Streams.pieces(tokenizer, ids).stream().limit(ids.length).anyMatch(String::isEmpty));
  }

  @Test
  void randomIdsStreamToTheirDecoding() {
    int vocab = tokenizer.vocabSize();
    for (int seed = 0; seed < 10; seed++) {
      Random random = new Random(seed);
      int[] ids = random.ints(1_000, 0, vocab).toArray();
      for (boolean skip : new boolean[] {false, true}) {
        assertEquals(
            tokenizer.decode(ids, skip),
            String.join("", Streams.pieces(tokenizer, ids, skip)),
            "seed " + seed);
      }
    }
  }

  @Test
  void randomBytePiecesStreamToTheirDecoding() {
    // Tokens that are pieces of characters, mixed with a few words: broken and split characters.
    int[] fragments =
        IntStream.range(0, tokenizer.vocabSize())
            .filter(id -> tokenizer.decode(new int[] {id}).contains("\uFFFD"))
            .toArray();
    assertTrue(fragments.length > 100, fragments.length + " fragment tokens");
    for (int seed = 0; seed < 10; seed++) {
      Random random = new Random(seed);
      int[] ids =
          random
              .ints(1_000, 0, 10)
              .map(
                  r -> r < 8 ? fragments[random.nextInt(fragments.length)] : random.nextInt(50_000))
              .toArray();
      assertEquals(
          tokenizer.decode(ids), String.join("", Streams.pieces(tokenizer, ids)), "seed " + seed);
    }
  }
}
