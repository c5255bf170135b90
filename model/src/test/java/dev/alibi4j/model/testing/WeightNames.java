package dev.alibi4j.model.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The arrays of loaded {@link ModelWeights} under their checkpoint names (unprefixed), to compare
 * with {@link TinyCheckpoints.Written#values}. {@code lm_head.weight} is always present (the
 * embedding when tied).
 */
public final class WeightNames {

  private WeightNames() {}

  /** BLOOM names of every array of {@code w}. */
  public static Map<String, NDArray> bloom(ModelWeights w) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put("word_embeddings.weight", w.embeddings());
    m.put("word_embeddings_layernorm.weight", w.embLnWeight());
    m.put("word_embeddings_layernorm.bias", w.embLnBias());
    for (int i = 0; i < w.layers().size(); i++) {
      LayerWeights l = w.layers().get(i);
      String p = "h." + i + ".";
      m.put(p + "input_layernorm.weight", l.ln1Weight());
      m.put(p + "input_layernorm.bias", l.ln1Bias());
      m.put(p + "self_attention.query_key_value.weight", l.qkvWeight());
      m.put(p + "self_attention.query_key_value.bias", l.qkvBias());
      m.put(p + "self_attention.dense.weight", l.outWeight());
      m.put(p + "self_attention.dense.bias", l.outBias());
      m.put(p + "post_attention_layernorm.weight", l.ln2Weight());
      m.put(p + "post_attention_layernorm.bias", l.ln2Bias());
      m.put(p + "mlp.dense_h_to_4h.weight", l.upWeight());
      m.put(p + "mlp.dense_h_to_4h.bias", l.upBias());
      m.put(p + "mlp.dense_4h_to_h.weight", l.downWeight());
      m.put(p + "mlp.dense_4h_to_h.bias", l.downBias());
    }
    m.put("ln_f.weight", w.finalLnWeight());
    m.put("ln_f.bias", w.finalLnBias());
    m.put("lm_head.weight", w.lmHead());
    return m;
  }

  /** MPT names of every array of {@code w} (MPT has no biases). */
  public static Map<String, NDArray> mpt(ModelWeights w) {
    Map<String, NDArray> m = new LinkedHashMap<>();
    m.put("wte.weight", w.embeddings());
    for (int i = 0; i < w.layers().size(); i++) {
      LayerWeights l = w.layers().get(i);
      String p = "blocks." + i + ".";
      m.put(p + "norm_1.weight", l.ln1Weight());
      m.put(p + "attn.Wqkv.weight", l.qkvWeight());
      m.put(p + "attn.out_proj.weight", l.outWeight());
      m.put(p + "norm_2.weight", l.ln2Weight());
      m.put(p + "ffn.up_proj.weight", l.upWeight());
      m.put(p + "ffn.down_proj.weight", l.downWeight());
    }
    m.put("norm_f.weight", w.finalLnWeight());
    m.put("lm_head.weight", w.lmHead());
    return m;
  }

  /** The values of {@code a} as float32 (converted if FLOAT16). */
  public static float[] floats(NDArray a) {
    if (a.getDataType() == DataType.FLOAT32) {
      return a.toFloatArray();
    }
    try (NDArray f = a.toType(DataType.FLOAT32, true)) {
      return f.toFloatArray();
    }
  }
}
