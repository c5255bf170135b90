package dev.alibi4j.model.bloom;

import static dev.alibi4j.model.family.TensorRole.*;

import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.nn.ResidualSource;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.family.FamilyRecipe;
import dev.alibi4j.model.family.Recipes;
import dev.alibi4j.model.family.TensorRole;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * BigScience BLOOM ({@code transformers}' {@code BloomForCausalLM}): a layer norm after the
 * embedding, QKV interleaved per head, tanh GELU, biases everywhere, the bias added after the score
 * scale ({@code baddbmm}).
 */
public final class BloomRecipe implements FamilyRecipe {

  private static final Map<TensorRole, String> NAMES = new EnumMap<>(Map.ofEntries(
      Map.entry(EMBEDDING, "word_embeddings.weight"),
      Map.entry(EMBEDDING_NORM_WEIGHT, "word_embeddings_layernorm.weight"),
      Map.entry(EMBEDDING_NORM_BIAS, "word_embeddings_layernorm.bias"),
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
    return List.of(BloomConfig.MODEL_TYPE);
  }

  @Override
  public FamilyConfig parse(JsonConfig json) {
    return BloomConfig.parse(json);
  }

  @Override
  public TransformerConfig standard(int vocabSize, int hiddenSize, int numHeads, int numLayers) {
    return new BloomConfig(vocabSize, hiddenSize, numHeads, numLayers, 1e-5, false, true).transformerConfig();
  }

  @Override
  public JsonObject writeConfig(TransformerConfig c, boolean tiedHead) {
    boolean postLn = c.residual() == ResidualSource.NORMED_INPUT;
    BloomConfig bloom = new BloomConfig(c.vocabSize(), c.hiddenSize(), c.numHeads(), c.numLayers(),
        c.layerNormEps(), postLn, tiedHead);
    Recipes.requireSameDesign("bloom", c, bloom.transformerConfig());
    JsonObject j = new JsonObject();
    j.addProperty("model_type", BloomConfig.MODEL_TYPE);
    j.addProperty("vocab_size", c.vocabSize());
    j.addProperty("hidden_size", c.hiddenSize());
    j.addProperty("n_head", c.numHeads());
    j.addProperty("n_layer", c.numLayers());
    j.addProperty("layer_norm_epsilon", c.layerNormEps());
    j.addProperty("apply_residual_connection_post_layernorm", postLn);
    j.addProperty("tie_word_embeddings", tiedHead);
    return j;
  }

  @Override
  public Map<TensorRole, String> names() {
    return NAMES;
  }
}
