package dev.alibi4j.engine;

import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;

/**
 * Architecture of an ALiBi decoder-only transformer, independent of any checkpoint format.
 *
 * <p>Family mappers in the {@code model} module translate BLOOM's and MPT's {@code config.json}
 * into this record; the engine reads nothing else.
 *
 * @param vocabSize rows of the embedding matrix
 * @param hiddenSize model width (d_model)
 * @param numHeads attention heads; {@code hiddenSize} must be a multiple of it
 * @param numLayers decoder blocks
 * @param ffnHiddenSize inner width of the MLP (4 × hidden for BLOOM, expansion_ratio × d_model for MPT)
 * @param layerNormEps epsilon of every layer norm
 * @param qkvLayout how the fused QKV projection orders its output features
 * @param activation MLP non-linearity
 * @param embeddingLayerNorm whether a layer norm follows the token embedding (BLOOM)
 * @param residualFromLayerNorm BLOOM's {@code apply_residual_connection_post_layernorm}
 * @param slopeScheme how ALiBi head slopes are derived
 * @param alibiBiasMax MPT's {@code alibi_bias_max} (ignored by the BLOOM scheme)
 * @param clipQkv clamp the fused QKV output to ±clipQkv; {@code NaN} disables clipping
 * @param softmaxScale factor applied to q·k before the bias is added (usually 1/√head_dim)
 * @param logitScale factor applied to the final logits (1 for none)
 */
public record TransformerConfig(
    int vocabSize,
    int hiddenSize,
    int numHeads,
    int numLayers,
    int ffnHiddenSize,
    double layerNormEps,
    QkvLayout qkvLayout,
    Activation activation,
    boolean embeddingLayerNorm,
    boolean residualFromLayerNorm,
    SlopeScheme slopeScheme,
    double alibiBiasMax,
    double clipQkv,
    double softmaxScale,
    double logitScale) {

  public TransformerConfig {
    requirePositive("vocabSize", vocabSize);
    requirePositive("hiddenSize", hiddenSize);
    requirePositive("numHeads", numHeads);
    requirePositive("numLayers", numLayers);
    requirePositive("ffnHiddenSize", ffnHiddenSize);
    if (hiddenSize % numHeads != 0) {
      throw new IllegalArgumentException(
          "hiddenSize " + hiddenSize + " is not a multiple of numHeads " + numHeads);
    }
    if (!(layerNormEps > 0)) {
      throw new IllegalArgumentException("layerNormEps must be > 0, got " + layerNormEps);
    }
    if (qkvLayout == null || activation == null || slopeScheme == null) {
      throw new IllegalArgumentException("qkvLayout, activation and slopeScheme are required");
    }
    if (slopeScheme == SlopeScheme.MPT && !(alibiBiasMax > 0)) {
      throw new IllegalArgumentException("alibiBiasMax must be > 0, got " + alibiBiasMax);
    }
    if (!Double.isNaN(clipQkv) && !(clipQkv > 0)) {
      throw new IllegalArgumentException("clipQkv must be > 0 or NaN (off), got " + clipQkv);
    }
    if (!(softmaxScale > 0) || Double.isInfinite(softmaxScale)) {
      throw new IllegalArgumentException("softmaxScale must be finite and > 0, got " + softmaxScale);
    }
    if (!Double.isFinite(logitScale) || logitScale == 0) {
      throw new IllegalArgumentException("logitScale must be finite and non-zero, got " + logitScale);
    }
  }

  /** Width of one attention head. */
  public int headDim() {
    return hiddenSize / numHeads;
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }
}
