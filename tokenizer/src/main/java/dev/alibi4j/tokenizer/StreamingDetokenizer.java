package dev.alibi4j.tokenizer;

import java.util.Arrays;
import java.util.Objects;

/**
 * Turns the ids of one generation into text as they arrive, so that all pieces plus {@link
 * #flush()} equal {@link Tokenizer#decode(int[], boolean)} of all ids.
 *
 * <p>A character whose UTF-8 bytes span several tokens decodes to U+FFFD until its last byte
 * arrives, so trailing U+FFFD is held back. Decoders that depend on neighbours (one drops the
 * leading space of the first token) are handled as in Hugging Face text-generation-inference: the
 * ids are decoded together with a few already emitted ones, and only the new suffix is returned.
 * That window stays a few tokens long, so each step costs O(1) amortized. One instance per
 * generation; not thread-safe.
 */
public final class StreamingDetokenizer {

  private static final char REPLACEMENT = '\uFFFD';

  /**
   * Trailing U+FFFD that may still become a real character: an unfinished UTF-8 character has at
   * most 3 bytes, shown as one U+FFFD by byte-level decoders, one per byte by byte-fallback ones.
   */
  private static final int MAX_HELD_CHARS = 3;

  /** Tokens to wait for a character to finish; it spans at most 4, so later U+FFFD is genuine. */
  static final int MAX_PENDING_TOKENS = 8;

  private final Tokenizer tokenizer;
  private final boolean skipSpecialTokens;

  private int[] window = new int[2 * MAX_PENDING_TOKENS + 2];
  private int size; // ids in window
  // window[0, readOffset) is context whose text is out; ids after it are pending.
  private int readOffset;
  private int emittedEnd; // chars of decode(window[0, size)) already returned

  /** Detokenizer whose text matches {@code tokenizer.decode(ids)}: special tokens included. */
  public StreamingDetokenizer(Tokenizer tokenizer) {
    this(tokenizer, false);
  }

  /**
   * Detokenizer whose text matches {@code tokenizer.decode(ids, skipSpecialTokens)}.
   *
   * @param skipSpecialTokens whether special tokens (such as {@code <|endoftext|>}) are left out
   */
  public StreamingDetokenizer(Tokenizer tokenizer, boolean skipSpecialTokens) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    this.skipSpecialTokens = skipSpecialTokens;
  }

  /**
   * Adds one generated id.
   *
   * @return the text that became final with this id; often {@code ""}
   * @throws IllegalArgumentException if the id is not in the vocabulary (nothing is added)
   */
  public String next(int tokenId) {
    tokenizer.checkId(tokenId);
    append(tokenId);
    String text = decode(size);
    int held = trailingReplacements(text);
    String piece = emitUpTo(text, text.length() - held);
    if (held == 0) {
      advance(size, text);
    } else if (size - readOffset >= MAX_PENDING_TOKENS) {
      piece += giveUp(text);
    }
    return piece;
  }

  /** Returns the text still held back (an unfinished character shows as U+FFFD). */
  public String flush() {
    String text = decode(size);
    String piece = emitUpTo(text, text.length());
    advance(size, text);
    return piece;
  }

  /** Ids kept for decoding; bounded, whatever the generated length. */
  int windowSize() {
    return size;
  }

  private String emitUpTo(String text, int end) {
    if (end <= emittedEnd) {
      return "";
    }
    String piece = text.substring(emittedEnd, end);
    emittedEnd = end;
    return piece;
  }

  /**
   * Moves the window on once the text up to {@code cut} is out: the pending ids before it become
   * the new context, and older ids are dropped.
   *
   * @param textToCut {@code decode(window[0, cut))}
   */
  private void advance(int cut, String textToCut) {
    int drop = readOffset;
    int emittedAfterCut = emittedEnd - textToCut.length();
    System.arraycopy(window, drop, window, 0, size - drop);
    size -= drop;
    readOffset = cut - drop;
    String context = drop == 0 ? textToCut : decode(readOffset);
    emittedEnd = context.length() + emittedAfterCut;
  }

  /**
   * Called when the text has ended in U+FFFD for {@link #MAX_PENDING_TOKENS} ids. Cuts at the
   * latest id boundary whose text is final (more text follows it unchanged) and returns that text;
   * if there is none, gives up holding and returns everything.
   */
  private String giveUp(String text) {
    for (int cut = size - 1; cut > readOffset; cut--) {
      String head = decode(cut);
      if (text.length() > head.length() && text.startsWith(head)) {
        String piece = emitUpTo(text, head.length());
        advance(cut, head);
        return piece;
      }
    }
    String piece = emitUpTo(text, text.length());
    advance(size, text);
    return piece;
  }

  private static int trailingReplacements(String text) {
    int n = 0;
    int last = text.length() - 1;
    while (n < MAX_HELD_CHARS && n <= last && text.charAt(last - n) == REPLACEMENT) {
      n++;
    }
    return n;
  }

  private void append(int id) {
    if (size == window.length) {
      window = Arrays.copyOf(window, 2 * size);
    }
    window[size++] = id;
  }

  private String decode(int to) {
    return tokenizer.decode(window, 0, to, skipSpecialTokens);
  }
}
