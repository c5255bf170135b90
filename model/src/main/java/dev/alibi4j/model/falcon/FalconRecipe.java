package dev.alibi4j.model.falcon;

import static dev.alibi4j.model.family.TensorRole.*;

import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.family.FamilyRecipe;
import dev.alibi4j.model.family.Recipes;
import dev.alibi4j.model.family.TensorRole;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Falcon-RW ({@code transformers}' {@code FalconForCausalLM} with {@code alibi}): BLOOM's names
 * and per-head QKV without the embedding norm, exact GELU, and the one difference that matters:
 * the ALiBi bias is added to the raw scores before the 1/√head_dim scale ({@code (q·kᵀ + alibi) ·
 * inv_norm_factor}).
 */
public final class FalconRecipe implements FamilyRecipe {

  private static final Map<TensorRole, String> NAMES = new EnumMap<>(Map.ofEntries(
      Map.entry(EMBEDDING, "word_embeddings.weight"),
      Map.entry(NORM1_WEIGHT, "h.{i}.input_layernorm.weight"),
      Map.entry(NORM1_BIAS, "h.{i}.input_layernorm.bias"),
      Map.entry(QKV_WEIGHT, "h.{i}.self_attention.query_key_value.weight"),
      Map.entry(QKV_BIAS, "h.{i}.self_attention.query_key_value.bias"),
      Map.entry(OUT_WEIGHT, "h.{i}.self_attention.dense.weight"),
      Map.entry(OUT_BIAS, "h.{i}.self_attention.dense.bias"),
      Map.entry(NORM2_WEIGHT, "h.{i}.post_attention_layernorm.weight"),
      Map.entry(NORM2_BIAS, "h.{i}.post_attention_layernorm.bias"),
      Map.entry(UP_WEIGHT, "h.{i}.mlp.dense_h_to_4h.weight"),
      Map.entry(UP_BIAS, "h.{i}.mlp.dense_h_to_4h.bias"),
      Map.entry(DOWN_WEIGHT, "h.{i}.mlp.dense_4h_to_h.weight"),
      Map.entry(DOWN_BIAS, "h.{i}.mlp.dense_4h_to_h.bias"),
      Map.entry(FINAL_NORM_WEIGHT, "ln_f.weight"),
      Map.entry(FINAL_NORM_BIAS, "ln_f.bias"),
      Map.entry(LM_HEAD, "lm_head.weight")));

  @Override
  public List<String> modelTypes() {
    return FalconConfig.MODEL_TYPES;
  }

  @Override
  public FamilyConfig parse(JsonConfig json) {
    return FalconConfig.parse(json);
  }

  @Override
  public TransformerConfig standard(int vocabSize, int hiddenSize, int numHeads, int numLayers) {
    return new FalconConfig(vocabSize, hiddenSize, numHeads, numLayers, 1e-5, true).transformerConfig();
  }

  @Override
  public JsonObject writeConfig(TransformerConfig c, boolean tiedHead) {
    FalconConfig falcon = new FalconConfig(c.vocabSize(), c.hiddenSize(), c.numHeads(), c.numLayers(),
        c.layerNormEps(), tiedHead);
    Recipes.requireSameDesign("falcon", c, falcon.transformerConfig());
    JsonObject j = new JsonObject();
    j.addProperty("model_type", "falcon");
    j.addProperty("vocab_size", c.vocabSize());
    j.addProperty("hidden_size", c.hiddenSize());
    j.addProperty("num_attention_heads", c.numHeads());
    j.addProperty("num_hidden_layers", c.numLayers());
    j.addProperty("layer_norm_epsilon", c.layerNormEps());
    j.addProperty("alibi", true);
    j.addProperty("multi_query", false);
    j.addProperty("parallel_attn", false);
    j.addProperty("new_decoder_architecture", false);
    j.addProperty("bias", true);
    j.addProperty("tie_word_embeddings", tiedHead);
    return j;
  }

  @Override
  public Map<TensorRole, String> names() {
    return NAMES;
  }
}
