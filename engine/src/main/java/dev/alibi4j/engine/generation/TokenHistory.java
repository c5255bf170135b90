package dev.alibi4j.engine.generation;

import java.util.Arrays;
import java.util.BitSet;

/** The ids of a sequence so far (prompt, then generated), with a set of the distinct ones. */
public final class TokenHistory {

  private int[] ids = new int[64];
  private int size;
  private final BitSet seen = new BitSet();

  public void add(int id) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
    }
    ids[size++] = id;
    seen.set(id);
  }

  public void addAll(int[] more) {
    for (int id : more) {
      add(id);
    }
  }

  /** Distinct ids seen, ascending. */
  public BitSet distinct() {
    return seen;
  }

  public int size() {
    return size;
  }
}
