package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The package-private stop-string watcher, driven directly. */
class StopStringsTest {

  /** Feeds pieces in order; returns what each accept emitted. */
  private static List<String> feed(StopStrings s, String... pieces) {
    List<String> out = new ArrayList<>();
    for (String piece : pieces) {
      out.add(s.accept(piece));
    }
    return out;
  }

  @Test
  void withoutStopStringsEverythingPassesThrough() {
    StopStrings s = new StopStrings(List.of());
    assertEquals(List.of("ab", "", "c"), feed(s, "ab", "", "c"));
    assertFalse(s.stopped());
    assertEquals("", s.finish());
  }

  @Test
  void cutsBeforeAStopStringInOnePiece() {
    StopStrings s = new StopStrings(List.of("END"));
    assertEquals("abc", s.accept("abcENDdef"));
    assertTrue(s.stopped());
    assertEquals("", s.accept("more"));
    assertEquals("", s.finish());
  }

  @Test
  void holdsBackAPossibleStartAndCutsWhenItCompletes() {
    StopStrings s = new StopStrings(List.of("<|end|>"));
    assertEquals(List.of("a", "", "", "", ""), feed(s, "a<", "|", "e", "nd", "|>tail"));
    assertTrue(s.stopped());
  }

  @Test
  void releasesAHeldStartThatDoesNotComplete() {
    StopStrings s = new StopStrings(List.of("<|end|>"));
    assertEquals(List.of("a", "", "<|ex"), feed(s, "a<", "|", "ex"));
    assertFalse(s.stopped());
  }

  @Test
  void releasesOnlyThePartThatCanNoLongerStartTheStopString() {
    // "<|e<" : "<|e" broken by "<", but the last "<" may start the stop string again.
    StopStrings s = new StopStrings(List.of("<|end|>"));
    assertEquals(List.of("", "", "<|e", "", ""), feed(s, "<|", "e", "<", "|", "end|>"));
    assertTrue(s.stopped());
  }

  @Test
  void finishReleasesWhatIsHeld() {
    StopStrings s = new StopStrings(List.of("STOP"));
    assertEquals("ab", s.accept("abST"));
    assertEquals("", s.accept("O"));
    assertFalse(s.stopped());
    assertEquals("STO", s.finish());
    assertEquals("", s.finish());
  }

  @Test
  void selfOverlappingStopString() {
    // "aab" against "a" "a" "a" "b": after "aaa" only the suffix "aa" can still start "aab".
    StopStrings s = new StopStrings(List.of("aab"));
    assertEquals(List.of("", "", "a", ""), feed(s, "a", "a", "a", "b"));
    assertTrue(s.stopped());
  }

  @Test
  void periodicStopStringKeepsOnlyItsLongestPossibleStart() {
    // "aba" is held whole; "abaab" can only still start "abab" from its last "ab".
    StopStrings s = new StopStrings(List.of("abab"));
    assertEquals(List.of("", "aba", ""), feed(s, "aba", "ab", "ab"));
    assertTrue(s.stopped());

    StopStrings t = new StopStrings(List.of("abab"));
    assertEquals(List.of("", "abac"), feed(t, "aba", "c"));
    assertFalse(t.stopped());
  }

  @Test
  void stopStringThatIsAPrefixOfAnotherStopsAtTheShorter() {
    StopStrings s = new StopStrings(List.of("abc", "ab"));
    assertEquals("x", s.accept("xabc"));
    assertTrue(s.stopped());

    StopStrings t = new StopStrings(List.of("ab", "abc"));
    assertEquals(List.of("x", ""), feed(t, "xa", "b"));
    assertTrue(t.stopped());
  }

  @Test
  void heldLongerStopIsCutByAShorterOneCompletingInside() {
    // "a" is held as a start of "abc"; "b" completes "b" first, so the cut is before "b".
    StopStrings s = new StopStrings(List.of("abc", "b"));
    assertEquals(List.of("", "a"), feed(s, "a", "b"));
    assertTrue(s.stopped());
  }

  @Test
  void earliestOccurrenceWinsWhateverTheOrderOfTheList() {
    for (List<String> stops : List.of(List.of("cd", "ab"), List.of("ab", "cd"))) {
      StopStrings s = new StopStrings(stops);
      assertEquals("xx", s.accept("xxabcd"), stops.toString());
      assertTrue(s.stopped());
    }
  }

  @Test
  void overlappingStopStringsHoldTheLongestPossibleStart() {
    // "xy" may start "xyz"; "y" may start "yq": the longest, "xy", is held.
    StopStrings s = new StopStrings(List.of("xyz", "yq"));
    assertEquals("a", s.accept("axy"));
    assertEquals("x", s.accept("q"));
    assertTrue(s.stopped());
  }

  @Test
  void overlappingStopStringsReleasedWhenNeitherCompletes() {
    StopStrings s = new StopStrings(List.of("xyz", "yq"));
    assertEquals("a", s.accept("axy"));
    assertEquals("xyw", s.accept("w"));
    assertFalse(s.stopped());
  }

  @Test
  void singleCharacterStopIsNeverHeld() {
    StopStrings s = new StopStrings(List.of("\n"));
    assertEquals("ab", s.accept("ab"));
    assertEquals("c", s.accept("c\nd"));
    assertTrue(s.stopped());
  }

  @Test
  void piecesAlwaysAddUpToTheTextBeforeTheStop() {
    String text = "one <|en two <|end three";
    StopStrings s = new StopStrings(List.of("<|end|>", "three"));
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      out.append(s.accept(String.valueOf(c)));
    }
    assertTrue(s.stopped());
    assertEquals("one <|en two <|end ", out.toString());
  }
}
