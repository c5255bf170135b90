package dev.alibi4j.model.mpt;

import static dev.alibi4j.model.config.ConfigLimits.MAX_ALIBI_BIAS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_EPSILON;
import static dev.alibi4j.model.config.ConfigLimits.MAX_HEADS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_HIDDEN;
import static dev.alibi4j.model.config.ConfigLimits.MAX_LAYERS;
import static dev.alibi4j.model.config.ConfigLimits.MAX_SCALE;
import static dev.alibi4j.model.config.ConfigLimits.MAX_VOCAB;
import static dev.alibi4j.model.config.ConfigLimits.MIN_EPSILON;
import static dev.alibi4j.model.config.ConfigLimits.MIN_SCALE;

import com.google.gson.JsonElement;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.config.SpecialTokens;
import java.util.Optional;
import java.util.Set;

/**
 * MPT's {@code config.json}, as read by transformers' {@code MptConfig} and run by its {@code
 * MptForCausalLM}: bias-free linear layers and layer norms, an MLP of 4 × d_model with exact GELU,
 * a contiguous (q | k | v) QKV projection, ALiBi and no embedding layer norm.
 *
 * <p>Settings that model a different architecture are refused rather than ignored: {@code
 * attn_config.alibi = false}, {@code qk_ln}, {@code prefix_lm}, {@code rope}, a sliding window,
 * grouped or multi-query attention, RMS norms, another FFN type or width ({@code MptMLP}
 * hard-codes 4 × d_model, so {@code expansion_ratio} must be 4), and biases ({@code no_bias =
 * false}: transformers would drop them). Training and implementation settings ({@code
 * max_seq_len}, {@code attn_impl}, dropouts, {@code attn_uses_sequence_id}, {@code
 * embedding_fraction}, {@code learned_pos_emb}, which MosaicML turns off under ALiBi) are ignored.
 *
 * <p>Two settings follow MosaicML's original model rather than transformers, which ignores them:
 * {@code logit_scale} (transformers never scales the logits) and {@code
 * attn_config.alibi_bias_max} (transformers always uses 8). Published MPT checkpoints use the
 * defaults (null and 8), where both agree.
 *
 * @param vocabSize {@code vocab_size}
 * @param dModel {@code d_model} / {@code hidden_size}
 * @param numHeads {@code n_heads} / {@code num_attention_heads}
 * @param numLayers {@code n_layers} / {@code num_hidden_layers}
 * @param layerNormEps {@code layer_norm_epsilon} (default 1e-5)
 * @param alibiBiasMax {@code attn_config.alibi_bias_max} (default 8)
 * @param clipQkv {@code attn_config.clip_qkv}, NaN when off (null or 0)
 * @param softmaxScale {@code attn_config.softmax_scale}, default 1/√head_dim
 * @param logitScale {@code logit_scale}: 1 when null, 1/√d_model for {@code "inv_sqrt_d_model"}
 * @param tieWordEmbeddings {@code tie_word_embeddings} (default true): lm_head is the embedding
 */
public record MptConfig(
    int vocabSize,
    int dModel,
    int numHeads,
    int numLayers,
    double layerNormEps,
    double alibiBiasMax,
    double clipQkv,
    double softmaxScale,
    double logitScale,
    boolean tieWordEmbeddings)
    implements FamilyConfig {

  /** The {@code model_type} of MPT checkpoints. */
  public static final String MODEL_TYPE = "mpt";

  /** transformers' {@code MptMLP} hard-codes {@code up_proj} to 4 × d_model. */
  private static final int EXPANSION_RATIO = 4;

  private static final Set<String> LAYER_NORMS = Set.of("low_precision_layernorm", "layernorm");

  /**
   * Reads and validates an MPT {@code config.json}.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file and the missing, invalid or
   *     unsupported field and its value
   */
  public static MptConfig parse(JsonConfig json) {
    int dModel = json.requireSize(MAX_HIDDEN, "d_model", "hidden_size");
    int numHeads = json.requireSize(MAX_HEADS, "n_heads", "num_attention_heads");
    if (dModel % numHeads != 0) {
      throw json.error("d_model " + dModel + " must be a positive multiple of n_heads " + numHeads);
    }
    checkArchitecture(json, dModel);
    Optional<JsonConfig> attn = json.optObject("attn_config");
    checkAttention(attn, numHeads);
    MptConfig config =
        new MptConfig(
            json.requireSize(MAX_VOCAB, "vocab_size"),
            dModel,
            numHeads,
            json.requireSize(MAX_LAYERS, "n_layers", "num_hidden_layers"),
            json.doubleIn("layer_norm_epsilon", 1e-5, MIN_EPSILON, MAX_EPSILON),
            attn.map(a -> a.doubleIn("alibi_bias_max", 8, MIN_SCALE, MAX_ALIBI_BIAS)).orElse(8.0),
            clipQkv(attn),
            softmaxScale(attn, dModel / numHeads),
            logitScale(json, dModel),
            json.boolOr("tie_word_embeddings", true));
    try {
      config.transformerConfig();
    } catch (IllegalArgumentException e) {
      throw json.error(e.getMessage());
    }
    return config;
  }

  private static void checkArchitecture(JsonConfig json, int dModel) {
    if (!json.boolOr("no_bias", true)) {
      throw json.unsupported(
          "no_bias", false, "transformers' MPT has no biases (no_bias = true only)");
    }
    String normType = json.stringOr("norm_type", "low_precision_layernorm");
    if (!LAYER_NORMS.contains(normType)) {
      throw json.unsupported("norm_type", "\"" + normType + "\"", "only " + LAYER_NORMS);
    }
    int expansionRatio = json.intOr("expansion_ratio", EXPANSION_RATIO);
    if (expansionRatio != EXPANSION_RATIO) {
      throw json.unsupported(
          "expansion_ratio", expansionRatio, "transformers' MptMLP is 4 × d_model wide");
    }
    Optional<JsonConfig> ffn = json.optObject("ffn_config");
    if (ffn.isPresent()) {
      JsonConfig f = ffn.get();
      String ffnType = f.stringOr("ffn_type", "mptmlp");
      if (!ffnType.equals("mptmlp")) {
        throw f.unsupported("ffn_type", "\"" + ffnType + "\"", "only \"mptmlp\"");
      }
      int width = f.intOr("ffn_hidden_size", EXPANSION_RATIO * dModel);
      if (width != EXPANSION_RATIO * dModel) {
        throw f.unsupported("ffn_hidden_size", width, "only 4 × d_model = " + 4 * dModel);
      }
      Optional<JsonConfig> act = f.optObject("ffn_act_fn");
      if (act.isPresent()
          && (!act.get().stringOr("name", "gelu").equals("gelu")
              || !act.get().stringOr("approximate", "none").equals("none"))) {
        throw f.unsupported(
            "ffn_act_fn", f.raw("ffn_act_fn"), "only exact GELU {\"name\": \"gelu\"}");
      }
    }
  }

  private static void checkAttention(Optional<JsonConfig> attn, int numHeads) {
    if (attn.isEmpty()) {
      return;
    }
    JsonConfig a = attn.get();
    String type = a.stringOr("attn_type", "multihead_attention");
    if (!type.equals("multihead_attention")) {
      throw a.unsupported("attn_type", "\"" + type + "\"", "only \"multihead_attention\"");
    }
    if (!a.boolOr("alibi", true)) {
      throw a.unsupported("alibi", false, "alibi4j runs ALiBi models only");
    }
    for (String flag : new String[] {"qk_ln", "prefix_lm", "rope"}) {
      if (a.boolOr(flag, false)) {
        throw a.unsupported(flag, true, "not implemented (false only)");
      }
    }
    int kvHeads = a.intOr("kv_n_heads", numHeads);
    if (kvHeads != numHeads) {
      throw a.unsupported("kv_n_heads", kvHeads, "only n_heads = " + numHeads);
    }
    int window = a.intOr("sliding_window_size", -1);
    if (window != -1) {
      throw a.unsupported("sliding_window_size", window, "only -1 (no window)");
    }
  }

  /** transformers clips only when {@code clip_qkv} is truthy: null and 0 mean off. */
  private static double clipQkv(Optional<JsonConfig> attn) {
    if (attn.isEmpty() || !attn.get().has("clip_qkv")) {
      return Double.NaN;
    }
    if (attn.get().doubleOr("clip_qkv", 0) == 0) {
      return Double.NaN;
    }
    return attn.get().doubleIn("clip_qkv", 0, MIN_SCALE, MAX_SCALE);
  }

  private static double softmaxScale(Optional<JsonConfig> attn, int headDim) {
    if (attn.isEmpty() || !attn.get().has("softmax_scale")) {
      return 1.0 / Math.sqrt(headDim);
    }
    return attn.get().doubleIn("softmax_scale", 0, MIN_SCALE, MAX_SCALE);
  }

  /** MosaicML's rule: null → none, a number → that factor, "inv_sqrt_d_model" → 1/√d_model. */
  private static double logitScale(JsonConfig json, int dModel) {
    JsonElement value = json.raw("logit_scale");
    if (value == null) {
      return 1.0;
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isString()) {
      if (value.getAsString().equals("inv_sqrt_d_model")) {
        return 1.0 / Math.sqrt(dModel);
      }
      throw json.unsupported("logit_scale", value, "null, a number or \"inv_sqrt_d_model\"");
    }
    return json.doubleIn("logit_scale", 1.0, MIN_SCALE, MAX_SCALE);
  }

  /** Inner width of the MLP: 4 × d_model. */
  public int ffnHiddenSize() {
    return EXPANSION_RATIO * dModel;
  }

  @Override
  public TransformerConfig transformerConfig() {
    return TransformerConfig.builder()
        .vocabSize(vocabSize).hiddenSize(dModel).numHeads(numHeads).numLayers(numLayers)
        .ffnHiddenSize(ffnHiddenSize()).layerNormEps(layerNormEps)
        .qkvLayout(QkvLayout.CONTIGUOUS).activation(Activation.GELU_EXACT)
        .slopes(SlopeScheme.MPT, alibiBiasMax).clipQkv(clipQkv).softmaxScale(softmaxScale)
        .logitScale(logitScale)
        .build();
  }

  @Override
  public SpecialTokens defaultSpecialTokens() {
    return SpecialTokens.NONE;
  }

}
