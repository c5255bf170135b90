package dev.alibi4j.engine.bias;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.torch.TorchOps;

/**
 * The ALiBi bias combined with the causal mask, added to the attention scores of every layer.
 *
 * <p>The bias of query i on key j is {@code slope_h * (j - i)}; softmax is invariant to a
 * per-row constant, so {@code slope_h * j} serves every query (the fairseq and BLOOM form). The
 * bias therefore is one row per head, kept for a capacity of positions that doubles when a longer
 * sequence needs it: {@code O(heads * cap)}, where a full mask would be {@code O(heads * cap²)}
 * (268 MB for 16 heads at 2048 positions).
 *
 * <p>On the cached path (one query, the newest position) every key is visible, so only the last
 * mask row is used: that row is the bias row itself, sliced without computation. A prefill of
 * {@code q} queries over {@code kv} keys builds its {@code [q, kv]} causal part once per forward
 * pass (shared by all layers), at the cost of one pass over that matrix, which the score
 * computation reads anyway; nothing of size {@code cap²} stays resident.
 *
 * <p>Thread-safe; the arrays it returns are views or fresh arrays the caller must close (e.g. by
 * an enclosing {@code NDScope}).
 */
public final class AlibiMask implements AutoCloseable {

  private static final int MIN_CAPACITY = 256;

  private final NDManager manager;
  private final float[] slopes;
  private final float fill;
  private int capacity;
  private NDArray biasRow; // [heads, 1, cap]: slope_h * j
  private NDArray positions; // [cap]: 0, 1, ..., cap - 1

  /**
   * @param parent manager the mask's arrays are attached under
   * @param slopes one slope per head
   * @param dtype dtype of the attention scores the mask is added to; its minimum is the fill
   */
  public AlibiMask(NDManager parent, double[] slopes, DataType dtype) {
    this.manager = parent.newSubManager();
    this.slopes = new float[slopes.length];
    for (int h = 0; h < slopes.length; h++) {
      this.slopes[h] = (float) slopes[h];
    }
    this.fill = minimumOf(dtype);
    grow(MIN_CAPACITY);
  }

  /** Value used for masked positions: the dtype's finite minimum, as the reference does. */
  public float fill() {
    return fill;
  }

  /** Number of heads. */
  public int numHeads() {
    return slopes.length;
  }

  /**
   * Mask for queries at positions {@code [start, start + qLen)} over keys {@code [0, start + qLen)}.
   *
   * @return {@code [heads, qLen, start + qLen]}
   */
  public synchronized NDArray forQueries(int start, int qLen) {
    if (start < 0 || qLen < 1) {
      throw new IllegalArgumentException("bad query range: start " + start + ", length " + qLen);
    }
    int kvLen = start + qLen;
    if (kvLen > capacity) {
      grow(Math.max(kvLen, 2 * capacity));
    }
    NDArray bias = TorchOps.slice(biasRow, 2, 0, kvLen); // [heads, 1, kvLen]
    if (qLen == 1) {
      return bias; // the last row: nothing is masked
    }
    NDArray rows = positions.get("{}:{}", start, kvLen).reshape(qLen, 1); // [qLen, 1]: i
    NDArray cols = positions.get(":{}", kvLen).reshape(1, kvLen); // [1, kvLen]: j
    NDArray future = cols.gt(rows).toType(DataType.FLOAT32, false).muli(fill); // [qLen, kvLen]: 0 or fill
    return bias.add(future); // [heads, qLen, kvLen]
  }

  private void grow(int newCapacity) {
    NDArray newPositions = manager.arange(0f, (float) newCapacity); // [cap]
    NDArray slopeColumn = manager.create(slopes).reshape(slopes.length, 1, 1); // [heads, 1, 1]
    NDArray positionRow = newPositions.reshape(1, 1, newCapacity); // [1, 1, cap]
    NDArray newBias = slopeColumn.mul(positionRow); // [heads, 1, cap]
    // The mask outlives the per-step scope it may be grown in.
    NDScope.unregister(newBias, newPositions);
    closeAll(slopeColumn, positionRow, biasRow, positions);
    biasRow = newBias;
    positions = newPositions;
    capacity = newCapacity;
  }
  private static float minimumOf(DataType dtype) {
    return switch (dtype) {
      case FLOAT32 -> -Float.MAX_VALUE;
      case FLOAT16 -> -65504f;
      default -> throw new IllegalArgumentException("attention scores must be FLOAT32 or FLOAT16, got " + dtype);
    };
  }

  private static void closeAll(NDArray... arrays) {
    for (NDArray a : arrays) {
      if (a != null) {
        a.close();
      }
    }
  }

  @Override
  public synchronized void close() {
    manager.close();
  }
}
