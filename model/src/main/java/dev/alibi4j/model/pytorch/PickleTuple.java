package dev.alibi4j.model.pytorch;

import java.util.Collections;
import java.util.List;

/**
 * A Python tuple read from a pickle: immutable, so APPEND cannot change it.
 *
 * @param items its items (None is null)
 */
record PickleTuple(List<Object> items) {

  PickleTuple {
    items = Collections.unmodifiableList(items);
  }

  int size() {
    return items.size();
  }

  Object get(int i) {
    return items.get(i);
  }

  /** For messages: never the items, which a hostile file can nest without end. */
  @Override
  public String toString() {
    return "a tuple of " + items.size();
  }
}
