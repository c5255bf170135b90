package dev.alibi4j.engine.generation;

import java.util.ArrayList;
import java.util.List;

/** Records every {@link TokenListener} call in order. */
final class RecordingListener implements TokenListener {

  final List<Integer> ids = new ArrayList<>();
  final List<String> pieces = new ArrayList<>();

  @Override
  public void onToken(int tokenId, String text) {
    ids.add(tokenId);
    pieces.add(text);
  }

  String joined() {
    return String.join("", pieces);
  }
}
