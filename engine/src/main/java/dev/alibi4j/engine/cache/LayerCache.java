package dev.alibi4j.engine.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of one attention layer, preallocated and written in place, so that a decode
 * step copies only its own new row instead of the whole history. Capacity doubles when full.
 */
public final class LayerCache {

  private final NDManager manager;
  private NDArray keys; // [batch, heads, cap, head_dim]
  private NDArray values; // [batch, heads, cap, head_dim]
  private int length;

  LayerCache(NDManager manager) {
    this.manager = manager;
  }

  /** Positions stored. */
  public int length() {
    return length;
  }

  /**
   * Stores the new keys and values after the existing ones.
   *
   * @param newKeys {@code [batch, heads, q_len, head_dim]}
   * @param newValues {@code [batch, heads, q_len, head_dim]}
   * @return views of all keys and values so far: {@code [batch, heads, length, head_dim]} each;
   *     close them (e.g. by an enclosing NDScope) but not the cache
   */
  public NDArray[] append(NDArray newKeys, NDArray newValues) {
    Shape shape = newKeys.getShape();
    int qLen = (int) shape.get(2);
    ensureCapacity(shape, newKeys.getDataType(), length + qLen);
    NDIndex slot = new NDIndex(":, :, {}:{}, :", length, length + qLen);
    keys.set(slot, newKeys);
    values.set(slot, newValues);
    length += qLen;
    NDIndex filled = new NDIndex(":, :, :{}, :", length);
    return new NDArray[] {keys.get(filled), values.get(filled)};
  }

  private void ensureCapacity(Shape newShape, DataType dtype, int needed) {
    int capacity = keys == null ? 0 : (int) keys.getShape().get(2);
    if (needed <= capacity) {
      return;
    }
    int newCapacity = Math.max(needed, Math.max(64, 2 * capacity));
    Shape full = new Shape(newShape.get(0), newShape.get(1), newCapacity, newShape.get(3));
    NDArray newKeys = manager.zeros(full, dtype);
    NDArray newValues = manager.zeros(full, dtype);
    // The cache outlives the per-step scope it may be grown in.
    NDScope.unregister(newKeys, newValues);
    if (keys != null) {
      NDIndex old = new NDIndex(":, :, :{}, :", length);
      try (NDArray k = keys.get(old);
          NDArray v = values.get(old)) {
        newKeys.set(old, k);
        newValues.set(old, v);
      }
      keys.close();
      values.close();
    }
    keys = newKeys;
    values = newValues;
  }
}
