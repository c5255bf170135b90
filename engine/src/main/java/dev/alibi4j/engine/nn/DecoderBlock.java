package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import dev.alibi4j.engine.cache.LayerCache;

/**
 * Pre-norm decoder block: {@code x = x + attn(ln1(x)); x = x + mlp(ln2(x))}.
 *
 * <p>With BLOOM's {@code apply_residual_connection_post_layernorm} the residual is the normed
 * input instead of the input.
 */
public final class DecoderBlock {

  private final LayerNorm ln1;
  private final MultiHeadAttention attention;
  private final LayerNorm ln2;
  private final Mlp mlp;
  private final boolean residualFromLayerNorm;

  public DecoderBlock(
      LayerNorm ln1, MultiHeadAttention attention, LayerNorm ln2, Mlp mlp,
      boolean residualFromLayerNorm) {
    this.ln1 = ln1;
    this.attention = attention;
    this.ln2 = ln2;
    this.mlp = mlp;
    this.residualFromLayerNorm = residualFromLayerNorm;
  }

  /**
   * @param x {@code [batch, q_len, hidden]}
   * @param mask {@code [heads, q_len, kv_len]}
   * @param cache this block's KV cache, or null for a full sequence without one
   * @return {@code [batch, q_len, hidden]}
   */
  public NDArray forward(NDArray x, NDArray mask, LayerCache cache) {
    NDArray normed = ln1.forward(x);
    NDArray attended = attention.forward(normed, mask, cache).addi(residualFromLayerNorm ? normed : x);
    NDArray normed2 = ln2.forward(attended);
    return mlp.forward(normed2).addi(residualFromLayerNorm ? normed2 : attended);
  }

  /**
   * The same for one new position of one sequence, in Java: {@code s}'s residual stream in and
   * out.
   *
   * @param mask {@code [heads, 1, kv_len]}
   */
  public void decode(StepBuffers s, NDArray mask, LayerCache cache) {
    float[] x = s.x;
    ln1.apply(x, 0, s.normed);
    attention.decode(s.normed, s.attended, cache, mask, s);
    addInto(s.attended, residualFromLayerNorm ? s.normed : x);
    ln2.apply(s.attended, 0, s.normed);
    mlp.decode(s.normed, s.inner, x, 1);
    addInto(x, residualFromLayerNorm ? s.normed : s.attended);
  }

  private static void addInto(float[] target, float[] addend) {
    for (int i = 0; i < target.length; i++) {
      target[i] += addend[i];
    }
  }
}
