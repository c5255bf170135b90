package dev.alibi4j.model.mpt;

import static dev.alibi4j.model.family.TensorRole.*;

import com.google.gson.JsonNull;
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
 * MosaicML MPT ({@code transformers}' {@code MptForCausalLM}): no biases anywhere, no embedding
 * norm, contiguous (q | k | v) QKV, exact GELU, MPT's own slopes ({@code alibi_bias_max}).
 */
public final class MptRecipe implements FamilyRecipe {

  private static final Map<TensorRole, String> NAMES = new EnumMap<>(Map.of(
      EMBEDDING, "wte.weight",
      NORM1_WEIGHT, "blocks.{i}.norm_1.weight",
      QKV_WEIGHT, "blocks.{i}.attn.Wqkv.weight",
      OUT_WEIGHT, "blocks.{i}.attn.out_proj.weight",
      NORM2_WEIGHT, "blocks.{i}.norm_2.weight",
      UP_WEIGHT, "blocks.{i}.ffn.up_proj.weight",
      DOWN_WEIGHT, "blocks.{i}.ffn.down_proj.weight",
      FINAL_NORM_WEIGHT, "norm_f.weight",
      LM_HEAD, "lm_head.weight"));

  @Override
  public List<String> modelTypes() {
    return List.of(MptConfig.MODEL_TYPE);
  }

  @Override
  public FamilyConfig parse(JsonConfig json) {
    return MptConfig.parse(json);
  }

  @Override
  public TransformerConfig standard(int vocabSize, int hiddenSize, int numHeads, int numLayers) {
    return new MptConfig(vocabSize, hiddenSize, numHeads, numLayers, 1e-5, 8, Double.NaN,
        1 / Math.sqrt((double) hiddenSize / numHeads), 1.0, true).transformerConfig();
  }

  @Override
  public JsonObject writeConfig(TransformerConfig c, boolean tiedHead) {
    double defaultScale = 1 / Math.sqrt(c.headDim());
    MptConfig mpt = new MptConfig(c.vocabSize(), c.hiddenSize(), c.numHeads(), c.numLayers(),
        c.layerNormEps(), c.alibiBiasMax(), c.clipQkv(), c.softmaxScale(), c.logitScale(), tiedHead);
    Recipes.requireSameDesign("mpt", c, mpt.transformerConfig());
    JsonObject attn = new JsonObject();
    attn.addProperty("attn_type", "multihead_attention");
    attn.addProperty("alibi", true);
    attn.addProperty("alibi_bias_max", c.alibiBiasMax());
    attn.add("clip_qkv", Double.isNaN(c.clipQkv()) ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(c.clipQkv()));
    attn.add("softmax_scale", c.softmaxScale() == defaultScale
        ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(c.softmaxScale()));
    attn.addProperty("qk_ln", false);
    attn.addProperty("prefix_lm", false);
    JsonObject j = new JsonObject();
    j.addProperty("model_type", MptConfig.MODEL_TYPE);
    j.addProperty("d_model", c.hiddenSize());
    j.addProperty("n_heads", c.numHeads());
    j.addProperty("n_layers", c.numLayers());
    j.addProperty("expansion_ratio", 4);
    j.addProperty("vocab_size", c.vocabSize());
    j.addProperty("no_bias", true);
    j.addProperty("norm_type", "low_precision_layernorm");
    j.addProperty("layer_norm_epsilon", c.layerNormEps());
    j.add("logit_scale", c.logitScale() == 1.0 ? JsonNull.INSTANCE : new com.google.gson.JsonPrimitive(c.logitScale()));
    j.add("attn_config", attn);
    j.addProperty("tie_word_embeddings", tiedHead);
    return j;
  }

  @Override
  public Map<TensorRole, String> names() {
    return NAMES;
  }
}
