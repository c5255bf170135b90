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
 * The Java-side activations of one sequence's decode step, allocated once per session, so that a
 * step allocates nothing but its attention temporaries. The queries also live in a direct buffer
 * that a libtorch array shares, so the attention reads them without a copy.
 */
public final class StepBuffers implements AutoCloseable {

  final float[] x; // [hidden]: the residual stream
  final float[] normed; // [hidden]
  final float[] attended; // [hidden]
  final float[] qkv; // [3 * hidden]
  final float[] keys; // [heads * head_dim]
  final float[] values; // [heads * head_dim]
  final float[] context; // [heads * head_dim]
  final float[] inner; // [ffn]
  final FloatBuffer queries; // [heads * head_dim], shared with queryArray
  final NDArray queryArray; // [1, heads, 1, head_dim]

  /**
   * @param manager owner of the query array (closing it, or this, frees the array)
   */
  public StepBuffers(int hidden, int heads, int ffn, NDManager manager) {
    this.x = new float[hidden];
    this.normed = new float[hidden];
    this.attended = new float[hidden];
    this.qkv = new float[3 * hidden];
    this.keys = new float[hidden];
    this.values = new float[hidden];
    this.context = new float[hidden];
    this.inner = new float[ffn];
    ByteBuffer bytes = ByteBuffer.allocateDirect(hidden * Float.BYTES).order(ByteOrder.nativeOrder());
    this.queries = bytes.asFloatBuffer();
    this.queryArray = manager.create(bytes, new Shape(1, heads, 1, hidden / heads), DataType.FLOAT32);
    NDScope.unregister(queryArray); // lives as long as the session, not the step that made it
  }

  /** The residual stream {@code [hidden]}: the embedding in, the last block's output out. */
  public float[] residual() {
    return x;
  }

  /** Scratch row {@code [hidden]}. */
  public float[] normed() {
    return normed;
  }

  @Override
  public void close() {
    queryArray.close();
  }
}
