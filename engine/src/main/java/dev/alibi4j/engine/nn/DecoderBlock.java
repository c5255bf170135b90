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
   * The same for one new position of each of {@code rows} sequences, in Java: {@code s}'s
   * residual rows in and out. Each row's arithmetic is the same whatever the other rows are.
   *
   * @param masks per row {@code [heads, 1, kv_len]}: the mask's last row for that sequence
   * @param caches per row, this block's cache of that sequence
   */
  public void decode(StepBuffers s, int rows, NDArray[] masks, LayerCache[] caches) {
    float[] x = s.x;
    int hidden = ln1.size();
    int n = rows * hidden;
    for (int r = 0; r < rows; r++) {
      ln1.apply(x, r * hidden, s.normed);
    }
    attention.decode(s.normed, s.attended, rows, caches, masks, s);
    addInto(s.attended, residualFromLayerNorm ? s.normed : x, n);
    for (int r = 0; r < rows; r++) {
      ln2.apply(s.attended, r * hidden, s.normed);
    }
    mlp.decode(s.normed, s.inner, x, rows);
    addInto(x, residualFromLayerNorm ? s.normed : s.attended, n);
  }

  private static void addInto(float[] target, float[] addend, int n) {
    for (int i = 0; i < n; i++) {
      target[i] += addend[i];
    }
  }
}
