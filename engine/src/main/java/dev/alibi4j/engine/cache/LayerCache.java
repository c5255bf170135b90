package dev.alibi4j.engine.cache;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.torch.TorchOps;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Keys and values of one attention layer, preallocated and written in place, so that a decode
 * step copies only its own new row instead of the whole history. Capacity grows by a quarter when full.
 *
 * <p>Keys are stored transposed, {@code [batch, heads, head_dim, cap]}: the score product
 * {@code q kᵀ} then reads them as a plain matrix (row stride {@code cap}), which libtorch's batched
 * GEMM takes without copying; a transposed view of {@code [.., cap, head_dim]} storage ran two to
 * three times slower (a copy of every key, every step). Values stay {@code [batch, heads, cap,
 * head_dim]}, the layout {@code p v} wants.
 */
public final class LayerCache {

  private final NDManager manager;
  private NDArray keysT; // [batch, heads, head_dim, cap]
  private NDArray values; // [batch, heads, cap, head_dim]
  private MemorySegment keysMemory; // keysT's bytes, for one-position writes from Java
  private MemorySegment valuesMemory; // values' bytes
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
   * @param newKeysT {@code [batch, heads, head_dim, q_len]}: the new keys, transposed (a view is fine)
   * @param newValues {@code [batch, heads, q_len, head_dim]}
   * @return views of all keys (transposed) and values so far: {@code [batch, heads, head_dim,
   *     length]} and {@code [batch, heads, length, head_dim]}; close them (e.g. by an enclosing
   *     NDScope) but not the cache
   */
  public NDArray[] append(NDArray newKeysT, NDArray newValues) {
    Shape shape = newValues.getShape();
    int qLen = (int) shape.get(2);
    ensureCapacity(shape, newValues.getDataType(), length + qLen);
    TorchOps.setSlice(keysT, 3, length, length + qLen, newKeysT);
    TorchOps.setSlice(values, 2, length, length + qLen, newValues);
    length += qLen;
    return new NDArray[] {TorchOps.slice(keysT, 3, 0, length), TorchOps.slice(values, 2, 0, length)};
  }

  /**
   * Stores one new position of a one-sequence cache, written straight into the cache's memory
   * from Java (a decode step: no native call).
   *
   * @param keys {@code [heads * head_dim]}, head-major
   * @param values {@code [heads * head_dim]}
   */
  public void appendOne(float[] keys, float[] values, int heads, int headDim) {
    ensureCapacity(new Shape(1, heads, 1, headDim), DataType.FLOAT32, length + 1);
    long cap = this.values.getShape().get(2);
    int pos = length;
    for (int h = 0; h < heads; h++) {
      for (int j = 0; j < headDim; j++) {
        int i = h * headDim + j;
        keysMemory.setAtIndex(ValueLayout.JAVA_FLOAT, (h * (long) headDim + j) * cap + pos, keys[i]);
        valuesMemory.setAtIndex(ValueLayout.JAVA_FLOAT, (h * cap + pos) * headDim + j, values[i]);
      }
    }
    length++;
  }

  /**
   * Views of every key (transposed) and value stored: {@code [batch, heads, head_dim, length]}
   * and {@code [batch, heads, length, head_dim]}; close them, not the cache.
   */
  public NDArray[] views() {
    return new NDArray[] {TorchOps.slice(keysT, 3, 0, length), TorchOps.slice(values, 2, 0, length)};
  }

  private void ensureCapacity(Shape valueShape, DataType dtype, int needed) {
    int capacity = values == null ? 0 : (int) values.getShape().get(2);
    if (needed <= capacity) {
      return;
    }
    // Growing by a quarter (not doubling) bounds the unused tail at a fifth of the cache: at 2k
    // positions of bloom-560m a doubled float32 cache would hold 400 MB more than it uses. The
    // copies this costs add up to about four times the final size, once per generation.
    int grown = Math.max(needed, Math.max(64, capacity + capacity / 4));
    int newCapacity = (grown + 63) / 64 * 64;
    long batch = valueShape.get(0);
    long heads = valueShape.get(1);
    long headDim = valueShape.get(3);
    NDArray newKeysT = manager.zeros(new Shape(batch, heads, headDim, newCapacity), dtype);
    NDArray newValues = manager.zeros(new Shape(batch, heads, newCapacity, headDim), dtype);
    // The cache outlives the per-step scope it may be grown in.
    NDScope.unregister(newKeysT, newValues);
    if (values != null) {
      try (NDArray k = TorchOps.slice(keysT, 3, 0, length);
          NDArray v = TorchOps.slice(values, 2, 0, length)) {
        TorchOps.setSlice(newKeysT, 3, 0, length, k);
        TorchOps.setSlice(newValues, 2, 0, length, v);
      }
      keysT.close();
      values.close();
    }
    keysT = newKeysT;
    values = newValues;
    // Views of libtorch's own memory (contiguous arrays: toByteBuffer(true) shares, not copies).
    keysMemory = MemorySegment.ofBuffer(keysT.toByteBuffer(true));
    valuesMemory = MemorySegment.ofBuffer(values.toByteBuffer(true));
  }
}
