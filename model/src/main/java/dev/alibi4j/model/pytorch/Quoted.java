package dev.alibi4j.model.pytorch;

/** Text from a file, made safe for a one-line message. */
final class Quoted {

  /** Longest text quoted whole; a hostile file can make names of any length. */
  static final int MAX_CHARS = 200;

  private Quoted() {}

  /** {@code text} in single quotes, control characters escaped, cut at {@value #MAX_CHARS}. */
  static String of(String text) {
    StringBuilder b = new StringBuilder("'");
    int n = Math.min(text.length(), MAX_CHARS);
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    if (text.length() > MAX_CHARS) {
      b.append("...");
    }
    return b.append('\'').toString();
  }
}
