package dev.alibi4j.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Runs ids through a {@link StreamingDetokenizer}. */
final class Streams {

  private Streams() {}

  /** The piece returned for each id, then the flushed rest as the last element. */
  static List<String> pieces(Tokenizer tokenizer, int[] ids, boolean skipSpecialTokens) {
    StreamingDetokenizer detokenizer = new StreamingDetokenizer(tokenizer, skipSpecialTokens);
    List<String> pieces = new ArrayList<>();
    for (int id : ids) {
      pieces.add(detokenizer.next(id));
    }
    pieces.add(detokenizer.flush());
    return pieces;
  }

  static List<String> pieces(Tokenizer tokenizer, int[] ids) {
    return pieces(tokenizer, ids, false);
  }
}
