package dev.alibi4j.examples.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads UTF-8 text strictly, a piece at a time. Java's usual readers replace invalid bytes with
 * U+FFFD, which silently turns a binary file into text; this one stops at the first invalid byte
 * and says where it is.
 */
public final class Utf8Reader {

  private final InputStream in;
  private final String name;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes;
  private long offset; // file offset of bytes' position
  private long remaining; // bytes still to read from in
  private boolean eof;
  private boolean done;

  /**
   * @param in the bytes; read at most {@code limit} of them
   * @param name what to call the input in messages (a path, "standard input")
   * @param startOffset the offset of {@code in}'s first byte in that input, for messages
   * @param bufferBytes bytes read at a time
   */
  public Utf8Reader(InputStream in, String name, long startOffset, long limit, int bufferBytes) {
    this.in = in;
    this.name = name;
    this.offset = startOffset;
    this.remaining = limit;
    this.bytes = ByteBuffer.allocate(Math.max(bufferBytes, 8));
    this.bytes.flip();
  }

  /** All of {@code in} as one string. */
  public static String readAll(InputStream in, String name) throws IOException {
    Utf8Reader reader = new Utf8Reader(in, name, 0, Long.MAX_VALUE, 1 << 16);
    StringBuilder text = new StringBuilder();
    for (String piece = reader.next(); piece != null; piece = reader.next()) {
      text.append(piece);
    }
    return text.toString();
  }

  /** Bytes consumed so far, as an offset in the input. */
  public long offset() {
    return offset;
  }

  /**
   * The next piece of text (about one buffer's worth), or null at the end.
   *
   * @throws CharacterCodingException naming the input and the byte offset of an invalid byte
   */
  public String next() throws IOException {
    while (!done) {
      if (!eof && bytes.remaining() < bytes.capacity() / 2) {
        fill();
      }
      CharBuffer chars = CharBuffer.allocate(bytes.capacity());
      int before = bytes.position();
      CoderResult result = decoder.decode(bytes, chars, eof);
      offset += bytes.position() - before;
      if (result.isError()) {
        throw invalid(result.length());
      }
      if (eof && !bytes.hasRemaining()) {
        decoder.flush(chars);
        done = true;
      }
      if (chars.position() > 0) {
        return chars.flip().toString();
      }
    }
    return null;
  }

  private void fill() throws IOException {
    bytes.compact();
    while (bytes.hasRemaining() && remaining > 0) {
      int n = in.read(bytes.array(), bytes.position(), (int) Math.min(bytes.remaining(), remaining));
      if (n < 0) {
        remaining = 0;
        break;
      }
      bytes.position(bytes.position() + n);
      remaining -= n;
    }
    eof = remaining == 0;
    bytes.flip();
  }

  private CharacterCodingException invalid(int length) {
    int first = bytes.get(bytes.position()) & 0xff;
    boolean leadByte = first >= 0xC2 && first <= 0xF4;
    String detail = leadByte && eof && bytes.position() + length >= bytes.limit()
        ? "it ends in the middle of a character at byte offset " + offset
        : String.format(Locale.ROOT, "byte 0x%02X at byte offset %d is not part of a valid character", first, offset);
    return new InvalidUtf8(name + " is not valid UTF-8 text: " + detail);
  }

  /** Invalid UTF-8, with the message saying where. */
  public static final class InvalidUtf8 extends CharacterCodingException {
    private static final long serialVersionUID = 1L;
    private final String message;

    InvalidUtf8(String message) {
      this.message = message;
    }

    @Override
    public String getMessage() {
      return message;
    }
  }
}
