package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The Java-side activations of a decode step of up to {@link #capacity()} sequences (one row
 * each), allocated once, so that a step allocates nothing but its attention temporaries. Each
 * row's queries also live in a direct buffer that a libtorch array shares, so the attention reads
 * them without a copy.
 */
public final class StepBuffers implements AutoCloseable {

  final int capacity;
  final float[] x; // [rows, hidden]: the residual stream
  final float[] normed; // [rows, hidden]
  final float[] attended; // [rows, hidden]
  final float[] qkv; // [rows, 3 * hidden]
  final float[] keys; // [heads * head_dim]: one row's, while it is stored
  final float[] values; // [heads * head_dim]
  final float[] context; // [rows, heads * head_dim]
  final float[] inner; // [rows, ffn]
  final FloatBuffer[] queries; // per row [heads * head_dim], shared with queryArrays
  final NDArray[] queryArrays; // per row [1, heads, 1, head_dim]

  /** Buffers for one sequence. */
  public StepBuffers(int hidden, int heads, int ffn, NDManager manager) {
    this(hidden, heads, ffn, 1, manager);
  }

  /**
   * @param rows the most sequences a step decodes
   * @param manager owner of the query arrays (closing it, or this, frees them)
   */
  public StepBuffers(int hidden, int heads, int ffn, int rows, NDManager manager) {
    this.capacity = rows;
    this.x = new float[rows * hidden];
    this.normed = new float[rows * hidden];
    this.attended = new float[rows * hidden];
    this.qkv = new float[rows * 3 * hidden];
    this.keys = new float[hidden];
    this.values = new float[hidden];
    this.context = new float[rows * hidden];
    this.inner = new float[rows * ffn];
    this.queries = new FloatBuffer[rows];
    this.queryArrays = new NDArray[rows];
    for (int r = 0; r < rows; r++) {
      ByteBuffer bytes = ByteBuffer.allocateDirect(hidden * Float.BYTES).order(ByteOrder.nativeOrder());
      queries[r] = bytes.asFloatBuffer();
      queryArrays[r] = manager.create(bytes, new Shape(1, heads, 1, hidden / heads), DataType.FLOAT32);
      NDScope.unregister(queryArrays[r]); // lives as long as the buffers, not the step that made them
    }
  }

  /** The most rows (sequences) a step may hold. */
  public int capacity() {
    return capacity;
  }

  /** The residual stream {@code [rows, hidden]}: the embeddings in, the last block's output out. */
  public float[] residual() {
    return x;
  }

  /** Scratch rows {@code [rows, hidden]}. */
  public float[] normed() {
    return normed;
  }

  @Override
  public void close() {
    for (NDArray a : queryArrays) {
      a.close();
    }
  }
}
