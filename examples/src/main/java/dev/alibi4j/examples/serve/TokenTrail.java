package dev.alibi4j.examples.serve;

import dev.alibi4j.engine.generation.TokenListener;
import dev.alibi4j.engine.generation.TokenLogprob;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The token listener of one request: gathers each token's log-probabilities with where its text
 * starts in the answer, and (when streaming) hands on each piece of text with the tokens that
 * made it. A token whose text is held back (half a character, the start of a possible stop
 * string) travels with the piece that finally carries its text. Runs on the scheduler's thread;
 * read {@link #entries()} and {@link #unsent()} after the generation has completed.
 */
final class TokenTrail implements TokenListener {

  /**
   * @param textOffset characters (code points, as Python counts them) of the answer before this
   *     token's text
   */
  record Entry(TokenLogprob logprob, int textOffset) {}

  /** Text to stream, with the tokens it completes (empty without logprobs). */
  record Piece(String text, List<Entry> entries) {}

  private final Consumer<Piece> pieces;
  private final List<Entry> entries = new ArrayList<>();
  private List<Entry> unsent = new ArrayList<>();
  private int emitted;

  /** @param pieces where streamed pieces go, or null when the answer is sent whole */
  TokenTrail(Consumer<Piece> pieces) {
    this.pieces = pieces;
  }

  @Override
  public void onToken(int tokenId, String text) {
    onToken(tokenId, text, null);
  }

  @Override
  public void onToken(int tokenId, String text, TokenLogprob logprob) {
    if (logprob != null) {
      Entry entry = new Entry(logprob, emitted);
      entries.add(entry);
      unsent.add(entry);
    }
    if (text != null && !text.isEmpty()) {
      emitted += text.codePointCount(0, text.length());
      if (pieces != null) {
        pieces.accept(new Piece(text, List.copyOf(unsent)));
      }
      unsent = new ArrayList<>();
    }
  }

  /** Every token's entry, in order. */
  List<Entry> entries() {
    return entries;
  }

  /** Entries of tokens whose text never came (a stop string's tokens): for the last chunk. */
  List<Entry> unsent() {
    return unsent;
  }
}
