package dev.alibi4j.model.bloom;

import static dev.alibi4j.model.config.ConfigLimits.MAX_EPSILON;
import static dev.alibi4j.model.config.ConfigLimits.MAX_HEADS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_HIDDEN;
import static dev.alibi4j.model.config.ConfigLimits.MAX_LAYERS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_VOCAB;
import static dev.alibi4j.model.config.ConfigLimits.MIN_EPSILON;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.engine.nn.ResidualSource;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.config.SpecialTokens;
import java.util.List;
import java.util.OptionalInt;

/**
 * BLOOM's {@code config.json}, as read by transformers' {@code BloomConfig}: {@code n_embed} or
 * {@code hidden_size}, {@code n_head} or {@code num_attention_heads}, {@code n_layer} or {@code
 * num_hidden_layers}. The MLP is 4 × hidden wide, GELU is the tanh approximation, the QKV
 * projection is interleaved per head, and a layer norm follows the embedding.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code n_embed} / {@code hidden_size}
 * @param numHeads {@code n_head} / {@code num_attention_heads}
 * @param numLayers {@code n_layer} / {@code num_hidden_layers}
 * @param layerNormEps {@code layer_norm_epsilon} (default 1e-5)
 * @param residualFromLayerNorm {@code apply_residual_connection_post_layernorm} (default false)
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default true): lm_head is the embedding
 */
public record BloomConfig(
    int vocabSize,
    int hiddenSize,
    int numHeads,
    int numLayers,
    double layerNormEps,
    boolean residualFromLayerNorm,
    boolean tieWordEmbeddings)
    implements FamilyConfig {

  /** The {@code model_type} of BLOOM checkpoints. */
  public static final String MODEL_TYPE = "bloom";

  /** BloomConfig's defaults: bos 1, eos 2. */
  private static final SpecialTokens DEFAULT_TOKENS =
      new SpecialTokens(OptionalInt.of(1), List.of(2), OptionalInt.empty());

  /**
   * Reads and validates a BLOOM {@code config.json}.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file and the missing or invalid field
   */
  public static BloomConfig parse(JsonConfig json) {
    BloomConfig config =
        new BloomConfig(
            json.requireSize(MAX_VOCAB, "vocab_size"),
            json.requireSize(MAX_HIDDEN, "n_embed", "hidden_size"),
            json.requireSize(MAX_HEADS, "n_head", "num_attention_heads"),
            json.requireSize(MAX_LAYERS, "n_layer", "num_hidden_layers"),
            json.doubleIn("layer_norm_epsilon", 1e-5, MIN_EPSILON, MAX_EPSILON),
            json.boolOr("apply_residual_connection_post_layernorm", false),
            json.boolOr("tie_word_embeddings", true));
    try {
      config.transformerConfig();
    } catch (IllegalArgumentException e) {
      throw json.error(e.getMessage());
    }
    return config;
  }

  /** Inner width of the MLP: {@code dense_h_to_4h} is hard-wired to 4 × hidden. */
  public int ffnHiddenSize() {
    return 4 * hiddenSize;
  }

  @Override
  public TransformerConfig transformerConfig() {
    return TransformerConfig.builder()
        .vocabSize(vocabSize).hiddenSize(hiddenSize).numHeads(numHeads).numLayers(numLayers)
        .ffnHiddenSize(ffnHiddenSize()).layerNormEps(layerNormEps)
        .qkvLayout(QkvLayout.PER_HEAD_INTERLEAVED).activation(Activation.GELU_TANH).embeddingNorm(true)
        .residual(residualFromLayerNorm ? ResidualSource.NORMED_INPUT : ResidualSource.INPUT)
        .slopes(SlopeScheme.BLOOM, 8)
        .build();
  }

  @Override
  public SpecialTokens defaultSpecialTokens() {
    return DEFAULT_TOKENS;
  }

}
