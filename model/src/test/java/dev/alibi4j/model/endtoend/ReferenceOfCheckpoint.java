package dev.alibi4j.model.endtoend;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.reference.ReferenceWeights;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import java.util.ArrayList;
import java.util.List;

/** Float64 reference weights from the values a test wrote into a checkpoint, by tensor name. */
final class ReferenceOfCheckpoint {

  private ReferenceOfCheckpoint() {}

  static ReferenceWeights bloom(Written w, TransformerConfig c) {
    List<ReferenceWeights.Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "h." + i + ".";
      layers.add(new ReferenceWeights.Layer(
          vec(w, p + "input_layernorm.weight"), vec(w, p + "input_layernorm.bias"),
          mat(w, p + "self_attention.query_key_value.weight"), vec(w, p + "self_attention.query_key_value.bias"),
          mat(w, p + "self_attention.dense.weight"), vec(w, p + "self_attention.dense.bias"),
          vec(w, p + "post_attention_layernorm.weight"), vec(w, p + "post_attention_layernorm.bias"),
          mat(w, p + "mlp.dense_h_to_4h.weight"), vec(w, p + "mlp.dense_h_to_4h.bias"),
          mat(w, p + "mlp.dense_4h_to_h.weight"), vec(w, p + "mlp.dense_4h_to_h.bias")));
    }
    double[][] emb = mat(w, "word_embeddings.weight");
    double[][] head = w.values().containsKey("lm_head.weight") ? mat(w, "lm_head.weight") : emb;
    return new ReferenceWeights(
        emb, vec(w, "word_embeddings_layernorm.weight"), vec(w, "word_embeddings_layernorm.bias"),
        layers, vec(w, "ln_f.weight"), vec(w, "ln_f.bias"), head);
  }

  static ReferenceWeights mpt(Written w, TransformerConfig c) {
    List<ReferenceWeights.Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "blocks." + i + ".";
      layers.add(new ReferenceWeights.Layer(
          vec(w, p + "norm_1.weight"), null, mat(w, p + "attn.Wqkv.weight"), null,
          mat(w, p + "attn.out_proj.weight"), null, vec(w, p + "norm_2.weight"), null,
          mat(w, p + "ffn.up_proj.weight"), null, mat(w, p + "ffn.down_proj.weight"), null));
    }
    double[][] emb = mat(w, "wte.weight");
    double[][] head = w.values().containsKey("lm_head.weight") ? mat(w, "lm_head.weight") : emb;
    return new ReferenceWeights(emb, null, null, layers, vec(w, "norm_f.weight"), null, head);
  }

  private static double[] vec(Written w, String name) {
    float[] f = w.values(name);
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static double[][] mat(Written w, String name) {
    float[] f = w.values(name);
    int rows = (int) w.shape(name)[0];
    int cols = (int) w.shape(name)[1];
    double[][] m = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        m[r][c] = f[r * cols + c];
      }
    }
    return m;
  }
}
