package dev.alibi4j.engine.generation;

import java.util.List;

/**
 * Watches streamed text for stop strings. Text that could be the start of a stop string is held
 * back, so no part of a stop string is ever emitted; once one appears, the text is cut before it.
 */
final class StopStrings {

  private final List<String> stops;
  private final StringBuilder pending = new StringBuilder();
  private boolean stopped;

  StopStrings(List<String> stops) {
    this.stops = stops;
  }

  /** Whether a stop string has appeared. */
  boolean stopped() {
    return stopped;
  }

  /** Takes the next piece of text and returns what is safe to emit now. */
  String accept(String piece) {
    if (stopped) {
      return "";
    }
    pending.append(piece);
    int cut = earliestStop();
    if (cut >= 0) {
      stopped = true;
      String out = pending.substring(0, cut);
      pending.setLength(0);
      return out;
    }
    int keep = heldSuffixLength();
    String out = pending.substring(0, pending.length() - keep);
    pending.delete(0, pending.length() - keep);
    return out;
  }

  /** Releases whatever is held back (generation ended without completing a stop string). */
  String finish() {
    String out = pending.toString();
    pending.setLength(0);
    return out;
  }

  private int earliestStop() {
    int best = -1;
    for (String s : stops) {
      int i = pending.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    return best;
  }

  // Longest suffix of pending that is a proper prefix of some stop string.
  private int heldSuffixLength() {
    int longest = 0;
    for (String s : stops) {
      int max = Math.min(s.length() - 1, pending.length());
      for (int len = max; len > longest; len--) {
        if (pending.indexOf(s.substring(0, len), pending.length() - len) == pending.length() - len) {
          longest = len;
          break;
        }
      }
    }
    return longest;
  }
}
