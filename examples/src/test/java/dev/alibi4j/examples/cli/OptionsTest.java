package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsTest {

  private static final Set<String> VALUED = Set.of("--model", "--ids", "--n", "--x", "--stop", "--seed");
  private static final Set<String> FLAGS = Set.of("--json");

  private static Options parse(String... args) {
    return Options.parse(args, VALUED, FLAGS);
  }

  /** Parses and reads {@code read} from the result, expecting a UsageException; returns its message. */
  private static String usageError(java.util.function.Consumer<Options> read, String... args) {
    UsageException e = assertThrows(UsageException.class, () -> read.accept(parse(args)));
    return e.getMessage();
  }

  private static void assertContains(String message, String... parts) {
    for (String part : parts) {
      assertTrue(message != null && message.contains(part), "'" + part + "' not in: " + message);
    }
  }

  @Test
  void separateAndInlineValuesAndFlags() {
    Options o = parse("--model", "/tmp/m", "--x=a=b", "--json", "--n=7");
    assertEquals("/tmp/m", o.string("--model"));
    assertEquals("a=b", o.string("--x"), "only the first '=' separates name and value");
    assertEquals(7, o.integer("--n", 1));
    assertTrue(o.flag("--json"));
    assertFalse(o.has("--seed"));
    assertNull(o.string("--seed"));
    assertNull(o.integer("--seed", 0));
    assertNull(o.ids("--ids"));
    assertEquals(List.of(), o.all("--stop"));
  }

  @Test
  void inlineEmptyValueIsKept() {
    assertEquals("", parse("--x=").string("--x"));
  }

  @Test
  void valueMayLookLikeANegativeNumber() {
    assertEquals(-3L, parse("--seed", "-3").longValue("--seed"));
  }

  @Test
  void unknownOptionIsNamed() {
    assertContains(usageError(o -> { }, "--model", "m", "--bogus", "1"), "unknown option --bogus");
    assertContains(usageError(o -> { }, "--bogus=1"), "unknown option --bogus");
  }

  @Test
  void flagWithInlineValueIsRefused() {
    assertThrows(UsageException.class, () -> parse("--json=true"));
  }

  @Test
  void positionalArgumentIsRefused() {
    assertContains(usageError(o -> { }, "stray"), "unexpected argument 'stray'");
  }

  @Test
  void missingValueAtTheEnd() {
    assertContains(usageError(o -> { }, "--json", "--model"), "option --model needs a value");
  }

  @Test
  void requiredOptionAbsent() {
    assertContains(usageError(o -> o.required("--model"), "--json"), "option --model is required");
  }

  @Test
  void repeatedSingleOptionIsAnErrorButRepeatableKeepsOrder() {
    assertContains(usageError(o -> o.string("--model"), "--model", "a", "--model=b"),
        "--model", "more than once");
    assertContains(usageError(o -> o.integer("--n", 0), "--n", "1", "--n", "1"), "--n", "more than once");
    assertEquals(List.of("x", "y", "x"), parse("--stop", "x", "--stop=y", "--stop", "x").all("--stop"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "1.5", "", "0x10"})
  void badInteger(String value) {
    assertContains(usageError(o -> o.integer("--n", 0), "--n", value), "--n", "integer", "'" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"99999999999", "2147483648", "99999999999999999999999"})
  void tooLargeIntegerNamesTheLimit(String value) {
    assertContains(usageError(o -> o.integer("--n", 0), "--n", value), "--n", "too large", "2147483647", value);
  }

  @Test
  void integerBelowMinimumAndTrimmedValues() {
    assertContains(usageError(o -> o.integer("--n", 1), "--n", "0"), "--n", ">= 1");
    assertEquals(1, parse("--n", " 1 ").integer("--n", 1));
    assertEquals(Integer.MAX_VALUE, parse("--n", "2147483647").integer("--n", 1));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "", "1,5", "--"})
  void badNumber(String value) {
    assertContains(usageError(o -> o.decimal("--x"), "--x", value), "--x", "number", "'" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "1e400"})
  void nonFiniteNumber(String value) {
    assertContains(usageError(o -> o.decimal("--x"), "--x", value), "--x", "finite");
  }

  @Test
  void numbers() {
    assertEquals(0.95, parse("--x", "0.95").decimal("--x"));
    assertEquals(-2e-3, parse("--x=-2e-3").decimal("--x"));
    assertEquals(Long.MIN_VALUE, parse("--seed", "-9223372036854775808").longValue("--seed"));
    assertContains(usageError(o -> o.longValue("--seed"), "--seed", "9223372036854775808"), "--seed", "integer");
  }

  @Test
  void ids() {
    assertArrayEquals(new int[] {9707, 11, 1879}, parse("--ids", "9707,11,1879").ids("--ids"));
    assertArrayEquals(new int[] {0, 2, 3}, parse("--ids= 0, 2 ,3 ").ids("--ids"));
    assertArrayEquals(new int[] {5}, parse("--ids", "5").ids("--ids"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "1,,2", "1,2,", ",1", "a", "1;2", "1 2", "2147483648", "1.0"})
  void malformedIds(String value) {
    assertContains(usageError(o -> o.ids("--ids"), "--ids", value), "--ids", "comma-separated", "'" + value + "'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "3,-2", "-2147483648"})
  void negativeIds(String value) {
    assertContains(usageError(o -> o.ids("--ids"), "--ids", value), "--ids", "negative");
  }
}
