package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.io.Utf8Reader;
import dev.alibi4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Tokenizes a text of any length a piece at a time, with the ids that tokenizing it whole gives.
 *
 * <p>Text is cut only after a line break that sits between two non-space characters, where the
 * pre-tokenizers of byte-level BPE (GPT-2, BLOOM, GPT-NeoX) always split, and only where
 * tokenizing the two lines around the cut apart gives the ids of tokenizing them together (a
 * tokenizer that adds a prefix space to every text fails this, and is then fed the text whole).
 * Pieces are tokenized without special tokens; the post-processor's prefix (BOS) goes before the
 * first piece and its suffix after the last.
 */
final class ChunkedTokenizer {

  /** Candidate cuts refused in a row after which the text is taken whole. */
  private static final int MAX_REFUSED_CUTS = 16;

  private final Tokenizer tokenizer;
  private final int chunkChars;
  private Consumer<int[]> sink;
  private String held; // the latest piece, given out once it is known whether it is the last
  private boolean first;
  private boolean splittable;
  private int refused;
  private int scanned; // positions of the pending text already looked at for a cut
  private int[] prefix;
  private int[] suffix;

  /** @param chunkChars characters from which a piece is cut at the next safe place */
  ChunkedTokenizer(Tokenizer tokenizer, int chunkChars) {
    this.tokenizer = tokenizer;
    this.chunkChars = chunkChars;
  }

  /** Gives the ids of all of {@code reader}'s text to {@code sink}, in order. */
  void tokenize(Utf8Reader reader, Consumer<int[]> sink) throws IOException {
    this.sink = sink;
    held = null;
    first = true;
    splittable = true;
    refused = 0;
    scanned = 0;
    StringBuilder pending = new StringBuilder();
    for (String piece = reader.next(); piece != null; piece = reader.next()) {
      pending.append(piece);
      while (splittable && pending.length() > chunkChars) {
        int cut = findCut(pending, Math.max(chunkChars, scanned));
        if (cut < 0) {
          break;
        }
        String chunk = pending.substring(0, cut);
        if (prefix == null && !learnSpecialTokens(chunk)) {
          splittable = false;
          break;
        }
        give(chunk);
        pending.delete(0, cut);
        scanned = 0;
      }
    }
    give(pending.toString());
    emit(held, true);
  }

  private void give(String chunk) {
    if (held != null) {
      emit(held, false);
    }
    held = chunk;
  }

  private void emit(String chunk, boolean last) {
    if (first && last) {
      sink.accept(tokenizer.encode(chunk, true));
      return;
    }
    int[] plain = tokenizer.encode(chunk, false);
    if (first) {
      sink.accept(prefix);
    }
    sink.accept(plain);
    if (last) {
      sink.accept(suffix);
    }
    first = false;
  }

  // The special tokens around a text: encode(text, true) = prefix + encode(text, false) + suffix.
  private boolean learnSpecialTokens(String text) {
    int[] with = tokenizer.encode(text, true);
    int[] plain = tokenizer.encode(text, false);
    for (int p = 0; plain.length > 0 && p + plain.length <= with.length; p++) {
      if (Arrays.equals(with, p, p + plain.length, plain, 0, plain.length)) {
        prefix = Arrays.copyOf(with, p);
        suffix = Arrays.copyOfRange(with, p + plain.length, with.length);
        return true;
      }
    }
    return false;
  }

  /** The first safe cut at or after {@code from}, or -1 when there is none yet. */
  private int findCut(StringBuilder text, int from) {
    for (int i = Math.max(from, 2); i < text.length(); i++) {
      if (text.charAt(i - 1) != '\n' || space(text.charAt(i - 2)) || space(text.charAt(i))) {
        continue;
      }
      int lineStart = text.lastIndexOf("\n", i - 2) + 1;
      int lineEnd = text.indexOf("\n", i);
      String left = text.substring(lineStart, i);
      String right = text.substring(i, lineEnd < 0 ? text.length() : lineEnd + 1);
      int[] apart = concat(tokenizer.encode(left, false), tokenizer.encode(right, false));
      if (Arrays.equals(apart, tokenizer.encode(left + right, false))) {
        refused = 0;
        return i;
      }
      if (++refused == MAX_REFUSED_CUTS) {
        splittable = false;
        return -1;
      }
    }
    scanned = text.length();
    return -1;
  }

  private static boolean space(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
