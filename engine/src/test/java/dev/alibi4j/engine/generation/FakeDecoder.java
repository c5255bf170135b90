package dev.alibi4j.engine.generation;

import java.util.ArrayList;
import java.util.List;

/** Maps each id to a fixed piece of text; {@link #flush()} returns a fixed tail. */
final class FakeDecoder implements TextDecoder {

  private final String[] pieces;
  private final String tail;
  final List<Integer> decoded = new ArrayList<>();
  int flushes;

  FakeDecoder(String tail, String... pieces) {
    this.pieces = pieces;
    this.tail = tail;
  }

  @Override
  public String next(int tokenId) {
    decoded.add(tokenId);
    return pieces[tokenId];
  }

  @Override
  public String flush() {
    flushes++;
    return tail;
  }
}
