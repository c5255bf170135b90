package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
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
  private final float softmaxScale;

  public MultiHeadAttention(
      Linear qkv, Linear out, QkvLayout layout, int numHeads, int headDim, double clipQkv,
      double softmaxScale) {
    this.qkv = qkv;
    this.out = out;
    this.layout = layout;
    this.numHeads = numHeads;
    this.headDim = headDim;
    this.clipQkv = (float) clipQkv;
    this.softmaxScale = (float) softmaxScale;
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
    NDArray[] kv = cache == null
        ? new NDArray[] {qkvHeads.get(1), qkvHeads.get(2)}
        : cache.append(qkvHeads.get(1), qkvHeads.get(2)); // 2 × [batch, heads, kv_len, head_dim]
    NDArray scores = qkvHeads.get(0).matMul(kv[0].transpose(0, 1, 3, 2)); // [batch, heads, q_len, kv_len]
    scores = scores.muli(softmaxScale).addi(mask);
    NDArray probs = scores.toType(DataType.FLOAT32, false).softmax(-1).toType(x.getDataType(), false);
    NDArray context = probs.matMul(kv[1]); // [batch, heads, q_len, head_dim]
    NDArray merged = context.transpose(0, 2, 1, 3).reshape(batch, qLen, (long) numHeads * headDim);
    return out.forward(merged); // [batch, q_len, hidden]
  }

  private NDList splitHeads(NDArray fused, long batch, long qLen) {
    NDArray stacked =
        switch (layout) {
          // BLOOM: view(b, s, heads, 3, d): q, k, v of one head are adjacent.
          case PER_HEAD_INTERLEAVED -> fused
              .reshape(batch, qLen, numHeads, 3, headDim)
              .transpose(3, 0, 2, 1, 4); // [3, batch, heads, q_len, head_dim]
          // MPT: chunk(3) then view(b, s, heads, d).
          case CONTIGUOUS -> fused
              .reshape(batch, qLen, 3, numHeads, headDim)
              .transpose(2, 0, 3, 1, 4); // [3, batch, heads, q_len, head_dim]
        };
    NDList parts = stacked.split(3, 0);
    return new NDList(parts.get(0).squeeze(0), parts.get(1).squeeze(0), parts.get(2).squeeze(0));
  }
}
