package dev.alibi4j.engine;

import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.engine.nn.ResidualSource;

/**
 * How a family composes its decoder blocks from the shared pieces: every block is pre-norm
 * (layer norm, attention, residual; layer norm, MLP, residual), sequential; the families differ in
 * these choices. A family's recipe in the model module names its design.
 *
 * @param qkvLayout how the fused QKV projection orders its output features
 * @param activation the MLP's non-linearity
 * @param embeddingNorm whether a layer norm follows the token embedding (BLOOM)
 * @param residual what the sublayers' outputs are added to
 * @param alibiOrder where the ALiBi bias enters relative to the score scale
 */
public record BlockDesign(
    QkvLayout qkvLayout,
    Activation activation,
    boolean embeddingNorm,
    ResidualSource residual,
    AlibiOrder alibiOrder) {

  public BlockDesign {
    if (qkvLayout == null || activation == null || residual == null || alibiOrder == null) {
      throw new IllegalArgumentException("every part of a block design is required");
    }
  }
}
