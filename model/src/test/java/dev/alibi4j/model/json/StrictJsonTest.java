package dev.alibi4j.model.json;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 8259 and nothing more: what Gson's lenient parser lets through is refused, with where. */
class StrictJsonTest {

  private static InvalidJsonException refused(String text) {
    return assertThrows(InvalidJsonException.class, () -> StrictJson.parse(text), text);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", "[]", "0", "-0", "1.5e-3", "-12E+4", "\"\"", "true", "false", "null",
      " {\"a\": [1, 2.0, {\"b\": null}], \"c\": \"x\\ny\\u00e9\\\"\\\\\\/\"}\r\n\t",
      "{\"k\": \"\\ud83d\\ude00 😀\"}", "[[], {}, [{}]]"})
  void acceptsWhatGsonReadsAlike(String text) throws Exception {
    assertEquals(JsonParser.parseString(text), StrictJson.parse(text));
  }

  @Test
  void numbersKeepTheirTextAndConvertExactly() throws Exception {
    JsonObject o = StrictJson.parse("{\"eps\": 1e-5, \"big\": 123456789012, \"f\": 2.50}").getAsJsonObject();
    assertEquals("1e-5", o.get("eps").getAsString());
    assertEquals(1e-5, o.get("eps").getAsDouble());
    assertEquals(123456789012L, o.get("big").getAsBigDecimal().longValueExact());
    assertEquals("2.50", o.get("f").toString());
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"a\": 1, \"a\": 2}                   | duplicate key \"a\" at $ (line 1, column 10)",
      "{\"a\": 1} // note                     | comments are not JSON",
      "{/* c */ \"a\": 1}                      | comments are not JSON",
      "{\"a\": 1,}                             | trailing comma before '}'",
      "[1, 2,]                                | trailing comma before ']' at $ (line 1, column 7)",
      "{a: 1}                                 | expected a key in double quotes, found 'a'",
      "{'a': 1}                               | expected a key in double quotes",
      "['a']                                  | single quotes are not JSON",
      "{\"logit_scale\": NaN}                  | NaN and Infinity are not JSON numbers at $.logit_scale",
      "[Infinity]                             | NaN and Infinity are not JSON numbers at $[0]",
      "{\"x\": [0, -Infinity]}                 | NaN and Infinity are not JSON numbers at $.x[1]",
      "[01]                                   | malformed number",
      "[1.]                                   | digits must follow the decimal point",
      "[1e]                                   | digits must follow the exponent",
      "[.5]                                   | unexpected '.'",
      "[+1]                                   | unexpected '+'",
      "[0x10]                                 | malformed number",
      "[True]                                 | unexpected 'True'",
      "[nul]                                  | unexpected 'nul'",
      "[\"a\\x\"]                              | invalid escape '\\x'",
      "[\"\\ud800\"]                           | unpaired surrogate \\uD800",
      "[\"\\udc00\\ud800\"]                    | unpaired surrogate \\uDC00",
      "[\"\\u12\"]                             | escape",
      "\"abc                                  | unterminated string",
      "{\"a\" 1}                               | expected ':'",
      "{\"a\": 1 \"b\": 2}                     | expected ',' or '}'",
      "[1 2]                                  | expected ',' or ']'",
      "{\"a\": 1} x                            | unexpected 'x' after the JSON value",
      "{} {}                                  | after the JSON value",
      "``                                     | unexpected end of input",
      "{\"a\":                                 | unexpected end of input",
  })
  void refusesWhatRfc8259Does(String text, String message) {
    assertMentions(refused(text), message);
  }

  @Test
  void duplicateKeysAreFoundAtAnyDepth() {
    assertMentions(refused("{\"w\": {\"x\": 1,\n \"x\": 1}}"), "duplicate key \"x\" at $.w (line 2, column 2)");
  }

  @Test
  void controlCharactersAndTheByteOrderMarkAreRefused() {
    assertMentions(refused("[\"a\tb\"]"), "control character U+0009", "must be escaped");
    assertMentions(refused("\uFEFF{}"), "U+FEFF");
    assertMentions(refused("{}\u00a0"), "after the JSON value"); // no-break space is not JSON whitespace
  }

  @Test
  void nestingIsLimited() throws Exception {
    String ok = "[".repeat(StrictJson.MAX_DEPTH) + "]".repeat(StrictJson.MAX_DEPTH);
    StrictJson.parse(ok);
    String deep = "[".repeat(100_000) + "]".repeat(100_000); // no StackOverflowError
    assertMentions(refused(deep), "nested deeper than 128 levels");
  }

  @Test
  void oddKeysAreQuotedInThePath() {
    assertMentions(refused("{\"h.0.w\": {\"k\": NaN}}"), "at $['h.0.w'].k");
  }

  @Test
  void invalidUtf8IsRefusedWithItsOffset() throws Exception {
    byte[] bytes = "{\"a\": \"xy\"}".getBytes(StandardCharsets.UTF_8);
    bytes[8] = (byte) 0xFF;
    assertMentions(assertThrows(InvalidJsonException.class, () -> StrictJson.parse(bytes)),
        "not valid UTF-8", "byte 0xff at offset 8");
    byte[] overlong = {'[', '"', (byte) 0xC0, (byte) 0xAF, '"', ']'}; // '/' spelled in two bytes
    assertMentions(assertThrows(InvalidJsonException.class, () -> StrictJson.parse(overlong)),
        "byte 0xc0 at offset 2");
    byte[] truncated = {'[', '"', (byte) 0xE2, (byte) 0x82};
    assertMentions(assertThrows(InvalidJsonException.class, () -> StrictJson.parse(truncated)),
        "offset 2");
    JsonElement fine = StrictJson.parse("[\"é€😀\"]".getBytes(StandardCharsets.UTF_8));
    assertEquals("é€😀", fine.getAsJsonArray().get(0).getAsString());
  }

  @Test
  void lineAndColumnPointAtTheFault() {
    InvalidJsonException e = refused("{\n  \"a\": 1,\n  \"b\": tru\n}");
    assertTrue(e.getMessage().endsWith("at $.b (line 3, column 8)"), e.getMessage());
  }
}
