package dev.alibi4j.model.falcon;

import static dev.alibi4j.model.config.ConfigLimits.MAX_EPSILON;
import static dev.alibi4j.model.config.ConfigLimits.MAX_HEADS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_HIDDEN;
import static dev.alibi4j.model.config.ConfigLimits.MAX_LAYERS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_VOCAB;
import static dev.alibi4j.model.config.ConfigLimits.MIN_EPSILON;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.config.SpecialTokens;
import java.util.List;
import java.util.OptionalInt;

/**
 * Falcon-RW's {@code config.json} (tiiuae/falcon-rw-1b, falcon-rw-7b), as read by transformers'
 * {@code FalconConfig} ({@code model_type} {@code falcon}) or by the older remote code ({@code
 * RefinedWeb}, {@code RefinedWebModel}): ALiBi, one key/value head per query head, sequential
 * attention then MLP, the classic decoder layout, biases on every projection.
 *
 * <p>Every other Falcon (rotary, multi-query, parallel attention, the new decoder architecture,
 * bias-free) is refused with the field and its value; an absent field takes transformers' default
 * ({@code alibi} false, {@code multi_query} true, {@code parallel_attn} true, {@code bias} false),
 * so a config must state the Falcon-RW values.
 *
 * @param vocabSize {@code vocab_size}
 * @param hiddenSize {@code hidden_size} / {@code n_embed}
 * @param numHeads {@code num_attention_heads} / {@code n_head}
 * @param numLayers {@code num_hidden_layers} / {@code n_layer}
 * @param layerNormEps {@code layer_norm_epsilon} (default 1e-5)
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default true)
 */
public record FalconConfig(
    int vocabSize,
    int hiddenSize,
    int numHeads,
    int numLayers,
    double layerNormEps,
    boolean tieWordEmbeddings)
    implements FamilyConfig {

  /** transformers' model type; the remote-code checkpoints used the other two. */
  public static final List<String> MODEL_TYPES = List.of("falcon", "RefinedWeb", "RefinedWebModel");

  /** FalconConfig's defaults: bos and eos 11. */
  private static final SpecialTokens DEFAULT_TOKENS =
      new SpecialTokens(OptionalInt.of(11), List.of(11), OptionalInt.empty());

  /**
   * Reads and vets a Falcon {@code config.json}.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file and the missing, invalid or
   *     unsupported field and its value
   */
  public static FalconConfig parse(JsonConfig json) {
    require(json, "alibi", false, true, "alibi4j runs ALiBi models only (a rotary Falcon is not one)");
    require(json, "multi_query", true, false, "only one key/value head per query head (Falcon-RW)");
    require(json, "parallel_attn", true, false, "only attention then MLP in sequence (Falcon-RW)");
    require(json, "new_decoder_architecture", false, false, "only the classic decoder layout (Falcon-RW)");
    require(json, "bias", false, true, "only projections with biases (Falcon-RW)");
    require(json, "apply_residual_connection_post_layernorm", false, false,
        "transformers' Falcon adds the residual before the norm");
    int heads = json.requireSize(MAX_HEADS, "num_attention_heads", "n_head");
    int kvHeads = json.optInt("num_kv_heads").orElse(heads);
    if (kvHeads != heads) {
      throw json.unsupported("num_kv_heads", kvHeads, "only num_attention_heads = " + heads);
    }
    FalconConfig config =
        new FalconConfig(
            json.requireSize(MAX_VOCAB, "vocab_size"),
            json.requireSize(MAX_HIDDEN, "hidden_size", "n_embed"),
            heads,
            json.requireSize(MAX_LAYERS, "num_hidden_layers", "n_layer"),
            json.doubleIn("layer_norm_epsilon", 1e-5, MIN_EPSILON, MAX_EPSILON),
            json.boolOr("tie_word_embeddings", true));
    try {
      config.transformerConfig();
    } catch (IllegalArgumentException e) {
      throw json.error(e.getMessage());
    }
    return config;
  }

  /** A boolean field that must have one value; an absent one takes transformers' default. */
  private static void require(JsonConfig json, String field, boolean defaultValue, boolean required, String reason) {
    boolean value = json.boolOr(field, defaultValue);
    if (value != required) {
      throw json.unsupported(field, json.isSet(field) ? value : value + " (transformers' default)", reason);
    }
  }

  /** Inner width of the MLP: {@code dense_h_to_4h} is 4 × hidden. */
  public int ffnHiddenSize() {
    return 4 * hiddenSize;
  }

  @Override
  public TransformerConfig transformerConfig() {
    return TransformerConfig.builder()
        .vocabSize(vocabSize).hiddenSize(hiddenSize).numHeads(numHeads).numLayers(numLayers)
        .ffnHiddenSize(ffnHiddenSize()).layerNormEps(layerNormEps)
        .qkvLayout(QkvLayout.PER_HEAD_INTERLEAVED).activation(Activation.GELU_EXACT)
        .alibiOrder(AlibiOrder.BEFORE_SCALE).slopes(SlopeScheme.BLOOM, 8)
        .build();
  }

  @Override
  public SpecialTokens defaultSpecialTokens() {
    return DEFAULT_TOKENS;
  }
}
