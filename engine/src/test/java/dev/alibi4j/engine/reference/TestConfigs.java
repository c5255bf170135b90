package dev.alibi4j.engine.reference;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.engine.nn.ResidualSource;

/** Small configs shaped like BLOOM, MPT and Falcon-RW. */
public final class TestConfigs {

  private TestConfigs() {}

  public static TransformerConfig bloom(int heads, int headDim, boolean residualFromLayerNorm) {
    int hidden = heads * headDim;
    return TransformerConfig.builder()
        .vocabSize(61).hiddenSize(hidden).numHeads(heads).numLayers(2).ffnHiddenSize(4 * hidden)
        .qkvLayout(QkvLayout.PER_HEAD_INTERLEAVED).activation(Activation.GELU_TANH).embeddingNorm(true)
        .residual(residualFromLayerNorm ? ResidualSource.NORMED_INPUT : ResidualSource.INPUT)
        .slopes(SlopeScheme.BLOOM, 8).softmaxScale(1 / Math.sqrt(headDim))
        .build();
  }

  public static TransformerConfig mpt(
      int heads, int headDim, double alibiBiasMax, double clipQkv, double softmaxScale,
      double logitScale) {
    int hidden = heads * headDim;
    return TransformerConfig.builder()
        .vocabSize(53).hiddenSize(hidden).numHeads(heads).numLayers(2).ffnHiddenSize(3 * hidden)
        .qkvLayout(QkvLayout.CONTIGUOUS).activation(Activation.GELU_EXACT)
        .slopes(SlopeScheme.MPT, alibiBiasMax).clipQkv(clipQkv).softmaxScale(softmaxScale)
        .logitScale(logitScale)
        .build();
  }

  /**
   * Falcon-RW: BLOOM's per-head QKV and slopes, exact GELU, no embedding norm, and the bias added
   * before the 1/√head_dim scale.
   */
  public static TransformerConfig falcon(int heads, int headDim) {
    int hidden = heads * headDim;
    return TransformerConfig.builder()
        .vocabSize(59).hiddenSize(hidden).numHeads(heads).numLayers(2).ffnHiddenSize(4 * hidden)
        .qkvLayout(QkvLayout.PER_HEAD_INTERLEAVED).activation(Activation.GELU_EXACT)
        .alibiOrder(AlibiOrder.BEFORE_SCALE).slopes(SlopeScheme.BLOOM, 8)
        .build();
  }
}
