package dev.alibi4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.text.Normalizer;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The real GPT-NeoX / MPT tokenizer against Hugging Face's ids (llama.cpp's test cases). */
class NeoxTokenizerTest {

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

  @TestFactory
  Stream<DynamicTest> encodeGivesHuggingFaceIds() throws IOException {
    List<NeoxFixture.Case> cases = NeoxFixture.cases();
    assertTrue(cases.size() >= 40, cases.size() + " cases");
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    "case " + c.number(),
                    () -> assertArrayEquals(c.ids(), tokenizer.encode(c.text()), c.text())));
  }

  @TestFactory
  Stream<DynamicTest> decodeGivesTheNormalizedTextBack() throws IOException {
    return NeoxFixture.cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    "case " + c.number(),
                    () ->
                        assertEquals(
                            Normalizer.normalize(c.text(), Normalizer.Form.NFC),
                            tokenizer.decode(c.ids()))));
  }

  @Test
  void vocabularyHasTheAddedTokens() {
    // 50,254 model tokens (ids 0-50253) and 29 added ones, 2 of which (ids 0, 1) are also model
    // tokens: 50,281 distinct ids, the highest 50280.
    assertEquals(50_281, tokenizer.vocabSize());
    assertEquals(OptionalInt.of(0), tokenizer.tokenId("<|endoftext|>"));
    assertEquals(OptionalInt.of(1), tokenizer.tokenId("<|padding|>"));
    assertEquals(OptionalInt.of(50_278), tokenizer.tokenId("<|im_end|>"));
    assertEquals(OptionalInt.empty(), tokenizer.tokenId("no such token"));
    assertEquals("<|endoftext|>", tokenizer.decode(new int[] {0}));
    assertEquals("", tokenizer.decode(new int[] {0}, true));
  }

  @Test
  void longTextIsNeitherTruncatedNorPadded() {
    String text =
        "The quick brown fox jumps over the lazy dog. ".repeat(2_300).substring(0, 100_000);
    int[] ids = tokenizer.encode(text);
    assertTrue(ids.length > 15_000, ids.length + " ids");
    assertEquals(text, tokenizer.decode(ids));
  }

  @Test
  void decodeDoesNotCleanUpSpaces() {
    // transformers' clean_up_tokenization_spaces would turn " ," into ","; tokenizers does not.
    String text = "Hello , world ! I 'm here .";
    assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
  }
}
