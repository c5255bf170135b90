package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.alibi4j.engine.cache.LayerCache;

/**
 * Multi-head self-attention with a fused QKV projection and an additive ALiBi + causal mask.
 *
 * <p>scores = (q · kᵀ) × softmaxScale + mask; softmax in float32, as the references do.
 */
public final class MultiHeadAttention {

  private final Linear qkv; // [3 * hidden, hidden]
  private final Linear out; // [hidden, hidden]
  private final QkvLayout layout;
  private final int numHeads;
  private final int headDim;
  private final float clipQkv; // NaN: no clipping
  private final NDArray softmaxScale; // [] float32, made once: a Java scalar becomes a new array per use

  public MultiHeadAttention(
      Linear qkv, Linear out, QkvLayout layout, int numHeads, int headDim, double clipQkv,
      double softmaxScale) {
    this.qkv = qkv;
    this.out = out;
    this.layout = layout;
    this.numHeads = numHeads;
    this.headDim = headDim;
    this.clipQkv = (float) clipQkv;
    this.softmaxScale = qkv.weight().getManager().create((float) softmaxScale);
    NDScope.unregister(this.softmaxScale);
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
