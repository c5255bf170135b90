package dev.alibi4j.engine.reference;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;

/** Small configs shaped like BLOOM and MPT. */
public final class TestConfigs {

  private TestConfigs() {}

  public static TransformerConfig bloom(int heads, int headDim, boolean residualFromLayerNorm) {
    int hidden = heads * headDim;
    return new TransformerConfig(
        61, hidden, heads, 2, 4 * hidden, 1e-5, QkvLayout.PER_HEAD_INTERLEAVED,
        Activation.GELU_TANH, true, residualFromLayerNorm, SlopeScheme.BLOOM, 8, Double.NaN,
        1 / Math.sqrt(headDim), 1.0);
  }

  public static TransformerConfig mpt(
      int heads, int headDim, double alibiBiasMax, double clipQkv, double softmaxScale,
      double logitScale) {
    int hidden = heads * headDim;
    return new TransformerConfig(
        53, hidden, heads, 2, 3 * hidden, 1e-5, QkvLayout.CONTIGUOUS, Activation.GELU_EXACT,
        false, false, SlopeScheme.MPT, alibiBiasMax, clipQkv, softmaxScale, logitScale);
  }
}
