package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.alibi4j.engine.cache.LayerCache;
import dev.alibi4j.engine.torch.TorchOps;
import java.nio.ByteOrder;

/**
 * Multi-head self-attention with a fused QKV projection and an additive ALiBi + causal mask.
 *
 * <p>scores = (q · kᵀ) × softmaxScale + mask; softmax in float32, as the references do.
 *
 * <p>A decode step ({@link #decode}) projects in Java through the kernel, writes the new key and
 * value into the cache from Java, and runs only the attention itself in libtorch: two products
 * and a softmax over the cached positions, with the mask's last row.
 */
public final class MultiHeadAttention {

  private final Linear qkv; // [3 * hidden, hidden]
  private final Linear out; // [hidden, hidden]
  private final QkvLayout layout;
  private final int numHeads;
  private final int headDim;
  private final float clipQkv; // NaN: no clipping
  private final float scale;
  private final NDArray softmaxScale; // [] float32, made once: a Java scalar becomes a new array per use

  /** @param manager owner of the scalar array the NDArray path uses */
  public MultiHeadAttention(
      Linear qkv, Linear out, QkvLayout layout, int numHeads, int headDim, double clipQkv,
      double softmaxScale, ai.djl.ndarray.NDManager manager) {
    this.qkv = qkv;
    this.out = out;
    this.layout = layout;
    this.numHeads = numHeads;
    this.headDim = headDim;
    this.clipQkv = (float) clipQkv;
    this.scale = (float) softmaxScale;
    this.softmaxScale = manager.create((float) softmaxScale);
    NDScope.unregister(this.softmaxScale);
  }

  /**
   * One new position of each of {@code rows} sequences: {@code normed [rows, hidden]} to {@code
   * result [rows, hidden]}. The projections run for all rows at once (each weight read once);
   * the attention runs per sequence, over its own cache with its own mask row.
   *
   * @param caches per row, this layer's cache of that sequence, to which its key and value are
   *     appended
   * @param masks per row {@code [heads, 1, kv_len]}: the mask's last row for that sequence
   */
  public void decode(float[] normed, float[] result, int rows, LayerCache[] caches, NDArray[] masks, StepBuffers s) {
    int hidden = numHeads * headDim;
    qkv.multiply(normed, s.qkv, rows); // [rows, 3 * hidden]
    if (!Float.isNaN(clipQkv)) {
      for (int i = 0; i < rows * 3 * hidden; i++) {
        s.qkv[i] = Math.max(-clipQkv, Math.min(clipQkv, s.qkv[i]));
      }
    }
    for (int r = 0; r < rows; r++) {
      attendOne(r, r * 3 * hidden, caches[r], masks[r], s);
    }
    out.multiply(s.context, result, rows); // [rows, hidden]
  }

  /** Row {@code r}: stores its key and value, and writes its attention output into {@code s.context}. */
  private void attendOne(int r, int base, LayerCache cache, NDArray mask, StepBuffers s) {
    java.nio.FloatBuffer queries = s.queries[r];
    queries.clear();
    for (int h = 0; h < numHeads; h++) {
      int q = base + offset(h, 0);
      int k = base + offset(h, 1);
      int v = base + offset(h, 2);
      for (int j = 0; j < headDim; j++) {
        queries.put(s.qkv[q + j] * scale); // the score scale, applied to q instead of q·kᵀ
        s.keys[h * headDim + j] = s.qkv[k + j];
        s.values[h * headDim + j] = s.qkv[v + j];
      }
    }
    cache.appendOne(s.keys, s.values, numHeads, headDim);
    NDArray[] kv = cache.views(); // [1, h, head_dim, kv_len], [1, h, kv_len, head_dim]
    try (NDArray keysT = kv[0];
        NDArray values = kv[1];
        NDArray scores = s.queryArrays[r].matMul(keysT).addi(mask); // [1, heads, 1, kv_len]
        NDArray probs = scores.softmax(-1);
        NDArray context = probs.matMul(values)) { // [1, heads, 1, head_dim]: heads adjacent
      context.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer()
          .get(s.context, r * numHeads * headDim, numHeads * headDim);
    }
  }

  /** Index in the fused projection of head {@code h}'s part (0: q, 1: k, 2: v). */
  private int offset(int h, int part) {
    return switch (layout) {
      case PER_HEAD_INTERLEAVED -> (h * 3 + part) * headDim; // BLOOM: view(heads, 3, d)
      case CONTIGUOUS -> (part * numHeads + h) * headDim; // MPT: chunk(3), then view(heads, d)
    };
  }

  /**
   * @param x {@code [batch, q_len, hidden]}
   * @param mask {@code [heads, q_len, kv_len]}: ALiBi bias plus causal mask
   * @param cache this layer's KV cache, to which the new keys and values are appended; null to
   *     attend over {@code x} alone (full sequences, e.g. training: no in-place writes, so
   *     autograd can differentiate through it)
   * @return {@code [batch, q_len, hidden]}
   */
  public NDArray forward(NDArray x, NDArray mask, LayerCache cache) {
    long batch = x.getShape().get(0);
    long qLen = x.getShape().get(1);
    NDArray fused = qkv.forward(x); // [batch, q_len, 3 * hidden]
    if (!Float.isNaN(clipQkv)) {
      fused = fused.clip(-clipQkv, clipQkv);
    }
    NDList qkvHeads = splitHeads(fused, batch, qLen); // 3 × [batch, heads, q_len, head_dim]
    NDArray keysT = qkvHeads.get(1).transpose(0, 1, 3, 2); // [batch, heads, head_dim, q_len]
    NDArray[] kv = cache == null
        ? new NDArray[] {keysT, qkvHeads.get(2)}
        : cache.append(keysT, qkvHeads.get(2)); // [b, h, head_dim, kv_len], [b, h, kv_len, head_dim]
    NDArray scores = qkvHeads.get(0).matMul(kv[0]); // [batch, heads, q_len, kv_len]
    scores = scores.muli(softmaxScale).addi(mask);
    NDArray probs = scores.softmax(-1); // float32, as the references do
    if (cache != null) {
      scores.close(); // [.., q_len, kv_len] of a long prefill: free it before the next product
    }
    NDArray context = probs.matMul(kv[1]); // [batch, heads, q_len, head_dim]
    NDArray merged = qLen == 1
        ? context.reshape(batch, 1, (long) numHeads * headDim) // heads are already adjacent
        : context.transpose(0, 2, 1, 3).reshape(batch, qLen, (long) numHeads * headDim);
    return out.forward(merged); // [batch, q_len, hidden]
  }

  /**
   * Queries, keys and values as {@code [batch, heads, q_len, head_dim]} views of the fused
   * projection: one slice and one reshape each (plus a transpose for several positions), where
   * a general split cost twice the native calls.
   */
  private NDList splitHeads(NDArray fused, long batch, long qLen) {
    int partAxis;
    NDArray grouped;
    switch (layout) {
      // BLOOM: view(b, s, heads, 3, d): q, k, v of one head are adjacent.
      case PER_HEAD_INTERLEAVED -> {
        grouped = fused.reshape(batch, qLen, numHeads, 3, headDim);
        partAxis = 3;
      }
      // MPT: chunk(3) then view(b, s, heads, d).
      case CONTIGUOUS -> {
        grouped = fused.reshape(batch, qLen, 3, numHeads, headDim);
        partAxis = 2;
      }
      default -> throw new IllegalStateException(layout.name());
    }
    NDList parts = new NDList(3);
    for (int i = 0; i < 3; i++) {
      NDArray part = TorchOps.slice(grouped, partAxis, i, i + 1); // one of q, k, v, with a size-1 axis
      parts.add(qLen == 1
          ? part.reshape(batch, numHeads, 1, headDim) // [batch, heads, 1, head_dim]
          : part.reshape(batch, qLen, numHeads, headDim).transpose(0, 2, 1, 3)); // [batch, heads, q_len, head_dim]
    }
    return parts;
  }
}
