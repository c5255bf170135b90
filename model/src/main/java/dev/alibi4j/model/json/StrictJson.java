package dev.alibi4j.model.json;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Parses JSON exactly as RFC 8259 defines it, into Gson's tree. Gson's own parser is lenient
 * (comments, unquoted or single-quoted keys, trailing commas, {@code NaN}) and its {@link
 * JsonObject} keeps the last of two equal keys without a word; the reference safetensors library
 * (serde_json) refuses all of these, and so does this parser, with the line, column and path of
 * the fault. Nesting is limited to {@value #MAX_DEPTH} levels, as serde_json's, so that a hostile
 * file cannot overflow the stack. Numbers keep their text ({@link JsonPrimitive#getAsString()}).
 */
public final class StrictJson {

  /** Deepest nesting accepted. */
  static final int MAX_DEPTH = 128;

  private final String text;
  private final Deque<Object> path = new ArrayDeque<>(); // keys (String) and indices (Integer)
  private int pos;

  private StrictJson(String text) {
    this.text = text;
  }

  /**
   * Decodes {@code utf8} strictly (a malformed byte sequence is an error, not U+FFFD) and parses
   * it as one JSON value.
   *
   * @throws InvalidJsonException saying what is wrong and where
   */
  public static JsonElement parse(byte[] utf8) throws InvalidJsonException {
    return parse(decodeUtf8(utf8));
  }

  /**
   * Parses {@code text} as one JSON value, with nothing but whitespace around it.
   *
   * @throws InvalidJsonException saying what is wrong and where
   */
  public static JsonElement parse(String text) throws InvalidJsonException {
    StrictJson p = new StrictJson(text);
    p.skipWhitespace();
    JsonElement value = p.value(0);
    p.skipWhitespace();
    if (p.pos < text.length()) {
      throw p.error("unexpected " + p.describe(p.pos) + " after the JSON value");
    }
    return value;
  }

  /**
   * {@code utf8} as text, refusing malformed sequences (the reference safetensors library and
   * Python both do).
   *
   * @throws InvalidJsonException naming the byte offset of the first bad sequence
   */
  public static String decodeUtf8(byte[] utf8) throws InvalidJsonException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(utf8);
    CharBuffer out = CharBuffer.allocate(utf8.length);
    CoderResult r = decoder.decode(in, out, true);
    if (!r.isError()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      throw new InvalidJsonException(String.format(Locale.ROOT,
          "not valid UTF-8: byte 0x%02x at offset %d", utf8[in.position()] & 0xFF, in.position()));
    }
    return out.flip().toString();
  }

  private JsonElement value(int depth) throws InvalidJsonException {
    if (pos >= text.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = text.charAt(pos);
    return switch (c) {
      case '{' -> object(depth + 1);
      case '[' -> array(depth + 1);
      case '"' -> new JsonPrimitive(string());
      case 't' -> literal("true", new JsonPrimitive(true));
      case 'f' -> literal("false", new JsonPrimitive(false));
      case 'n' -> literal("null", JsonNull.INSTANCE);
      default -> {
        if (c == '-' || (c >= '0' && c <= '9')) {
          yield number();
        }
        if (word("NaN") || word("Infinity")) {
          throw error("NaN and Infinity are not JSON numbers");
        }
        throw error(c == '\''
            ? "single quotes are not JSON: strings take double quotes"
            : "unexpected " + describe(pos) + ", expected a value");
      }
    };
  }

  private JsonObject object(int depth) throws InvalidJsonException {
    checkDepth(depth);
    JsonObject object = new JsonObject();
    pos++; // {
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      return object;
    }
    while (true) {
      if (peek() != '"') {
        throw error(object.size() > 0 && peek() == '}'
            ? "trailing comma before '}'"
            : "expected a key in double quotes, found " + describe(pos));
      }
      int keyStart = pos;
      String key = string();
      if (object.has(key)) {
        pos = keyStart;
        throw error("duplicate key \"" + key + "\"");
      }
      skipWhitespace();
      expect(':');
      skipWhitespace();
      path.push(key);
      object.add(key, value(depth));
      path.pop();
      skipWhitespace();
      if (peek() == ',') {
        pos++;
        skipWhitespace();
      } else if (peek() == '}') {
        pos++;
        return object;
      } else {
        throw error("expected ',' or '}', found " + describe(pos));
      }
    }
  }

  private JsonArray array(int depth) throws InvalidJsonException {
    checkDepth(depth);
    JsonArray array = new JsonArray();
    pos++; // [
    skipWhitespace();
    if (peek() == ']') {
      pos++;
      return array;
    }
    while (true) {
      if (peek() == ']') {
        throw error("trailing comma before ']'");
      }
      path.push(array.size());
      array.add(value(depth));
      path.pop();
      skipWhitespace();
      if (peek() == ',') {
        pos++;
        skipWhitespace();
      } else if (peek() == ']') {
        pos++;
        return array;
      } else {
        throw error("expected ',' or ']', found " + describe(pos));
      }
    }
  }

  private String string() throws InvalidJsonException {
    int start = pos;
    pos++; // "
    StringBuilder s = new StringBuilder();
    while (true) {
      if (pos >= text.length()) {
        pos = start;
        throw error("unterminated string");
      }
      char c = text.charAt(pos);
      if (c == '"') {
        pos++;
        return s.toString();
      }
      if (c < 0x20) {
        throw error(String.format(Locale.ROOT, "control character U+%04X in a string: it must be escaped", (int) c));
      }
      if (c != '\\') {
        s.append(c);
        pos++;
        continue;
      }
      pos++;
      char e = pos < text.length() ? text.charAt(pos) : 0;
      switch (e) {
        case '"', '\\', '/' -> s.append(e);
        case 'b' -> s.append('\b');
        case 'f' -> s.append('\f');
        case 'n' -> s.append('\n');
        case 'r' -> s.append('\r');
        case 't' -> s.append('\t');
        case 'u' -> {
          s.append(unicodeEscape());
          continue; // unicodeEscape moved past the digits
        }
        default -> {
          pos--;
          throw error(e == 0 ? "unterminated string" : "invalid escape '\\" + e + "' in a string");
        }
      }
      pos++;
    }
  }

  /** {@code \}{@code uXXXX} (pos at the u), a surrogate pair taken whole; serde_json refuses a lone one. */
  private String unicodeEscape() throws InvalidJsonException {
    char high = hex4();
    if (!Character.isSurrogate(high)) {
      return String.valueOf(high);
    }
    if (Character.isHighSurrogate(high) && text.startsWith("\\u", pos)) {
      int at = pos;
      pos++;
      char low = hex4();
      if (Character.isLowSurrogate(low)) {
        return new String(new char[] {high, low});
      }
      pos = at;
    }
    throw error(String.format(Locale.ROOT, "unpaired surrogate \\u%04X in a string", (int) high));
  }

  /** The four hex digits after the u at pos; leaves pos after them. */
  private char hex4() throws InvalidJsonException {
    int start = pos - 1;
    if (pos + 5 > text.length()) {
      pos = start;
      throw error("truncated \\u escape in a string");
    }
    int v = 0;
    for (int i = 1; i <= 4; i++) {
      int d = Character.digit(text.charAt(pos + i), 16);
      if (d < 0) {
        pos = start;
        throw error("invalid \\u escape in a string");
      }
      v = v * 16 + d;
    }
    pos += 5;
    return (char) v;
  }

  /** RFC 8259's number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
  private JsonPrimitive number() throws InvalidJsonException {
    int start = pos;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else if (!digits()) {
      pos = start;
      throw error(word("-Infinity") ? "NaN and Infinity are not JSON numbers" : "malformed number");
    }
    if (peek() == '.') {
      pos++;
      if (!digits()) {
        pos = start;
        throw error("malformed number: digits must follow the decimal point");
      }
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      if (!digits()) {
        pos = start;
        throw error("malformed number: digits must follow the exponent");
      }
    }
    if (Character.isLetterOrDigit(peek())) {
      pos = start;
      throw error("malformed number (a leading zero, or letters after the digits)");
    }
    return new JsonPrimitive(new JsonNumber(text.substring(start, pos)));
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private JsonElement literal(String word, JsonElement value) throws InvalidJsonException {
    if (!word(word)) {
      throw error("unexpected " + describe(pos) + ", expected a value");
    }
    pos += word.length();
    return value;
  }

  /** Whether {@code word} starts at pos and is not followed by more letters. */
  private boolean word(String word) {
    int end = pos + word.length();
    return text.startsWith(word, pos) && (end >= text.length() || !Character.isLetterOrDigit(text.charAt(end)));
  }

  private void expect(char c) throws InvalidJsonException {
    if (peek() != c) {
      throw error("expected '" + c + "', found " + describe(pos));
    }
    pos++;
  }

  private void checkDepth(int depth) throws InvalidJsonException {
    if (depth > MAX_DEPTH) {
      throw error("nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  /** JSON's whitespace only: space, tab, line feed, carriage return. */
  private void skipWhitespace() throws InvalidJsonException {
    while (pos < text.length()) {
      char c = text.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '/' || c == '#') {
        throw error("comments are not JSON");
      } else {
        return;
      }
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : 0;
  }

  /** The token at {@code at}, quoted for a message. */
  private String describe(int at) {
    if (at >= text.length()) {
      return "end of input";
    }
    int end = at + 1;
    while (end < text.length() && end - at < 12 && Character.isLetterOrDigit(text.charAt(end))
        && Character.isLetterOrDigit(text.charAt(at))) {
      end++;
    }
    String token = text.substring(at, end);
    char first = token.charAt(0);
    return first < 0x20 || first == 0xFEFF || Character.isSurrogate(first)
        ? String.format(Locale.ROOT, "U+%04X", (int) first)
        : "'" + token + "'";
  }

  private InvalidJsonException error(String what) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < Math.min(pos, text.length()); i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new InvalidJsonException(
        what + " at " + pathString() + " (line " + line + ", column " + (pos - lineStart + 1) + ")");
  }

  /** The path of the value being read, as {@code $.a.b[2]} ({@code $['odd key']} when needed). */
  private String pathString() {
    StringBuilder s = new StringBuilder("$");
    var it = path.descendingIterator();
    while (it.hasNext()) {
      Object p = it.next();
      if (p instanceof Integer i) {
        s.append('[').append(i).append(']');
      } else if (((String) p).matches("[A-Za-z_][A-Za-z0-9_]*")) {
        s.append('.').append(p);
      } else {
        s.append("['").append(p).append("']");
      }
    }
    return s.toString();
  }
}
