package dev.alibi4j.model.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The weights of loaded {@link ModelWeights} under their checkpoint names (unprefixed), as float
 * values to compare with {@link TinyCheckpoints.Written#values}: matrices widened row by row
 * ({@link WeightMatrix#readRow}), vectors as float32 arrays. {@code lm_head.weight} is always
 * present (the embedding when tied).
 */
public final class WeightNames {

  private WeightNames() {}

  /**
   * One loaded weight.
   *
   * @param shape its shape ({@code [rows, cols]} for a matrix)
   * @param values its values as float32, row-major
   * @param matrix the matrix, or null for a vector
   */
  public record Loaded(long[] shape, float[] values, WeightMatrix matrix) {}

  /** BLOOM names of every weight of {@code w}. */
  public static Map<String, Loaded> bloom(ModelWeights w) {
    Map<String, Loaded> m = new LinkedHashMap<>();
    m.put("word_embeddings.weight", of(w.embeddings()));
    m.put("word_embeddings_layernorm.weight", of(w.embLnWeight()));
    m.put("word_embeddings_layernorm.bias", of(w.embLnBias()));
    for (int i = 0; i < w.layers().size(); i++) {
      LayerWeights l = w.layers().get(i);
      String p = "h." + i + ".";
      m.put(p + "input_layernorm.weight", of(l.ln1Weight()));
      m.put(p + "input_layernorm.bias", of(l.ln1Bias()));
      m.put(p + "self_attention.query_key_value.weight", of(l.qkvWeight()));
      m.put(p + "self_attention.query_key_value.bias", of(l.qkvBias()));
      m.put(p + "self_attention.dense.weight", of(l.outWeight()));
      m.put(p + "self_attention.dense.bias", of(l.outBias()));
      m.put(p + "post_attention_layernorm.weight", of(l.ln2Weight()));
      m.put(p + "post_attention_layernorm.bias", of(l.ln2Bias()));
      m.put(p + "mlp.dense_h_to_4h.weight", of(l.upWeight()));
      m.put(p + "mlp.dense_h_to_4h.bias", of(l.upBias()));
      m.put(p + "mlp.dense_4h_to_h.weight", of(l.downWeight()));
      m.put(p + "mlp.dense_4h_to_h.bias", of(l.downBias()));
    }
    m.put("ln_f.weight", of(w.finalLnWeight()));
    m.put("ln_f.bias", of(w.finalLnBias()));
    m.put("lm_head.weight", of(w.lmHead()));
    return m;
  }

  /** MPT names of every weight of {@code w} (MPT has no biases). */
  public static Map<String, Loaded> mpt(ModelWeights w) {
    Map<String, Loaded> m = new LinkedHashMap<>();
    m.put("wte.weight", of(w.embeddings()));
    for (int i = 0; i < w.layers().size(); i++) {
      LayerWeights l = w.layers().get(i);
      String p = "blocks." + i + ".";
      m.put(p + "norm_1.weight", of(l.ln1Weight()));
      m.put(p + "attn.Wqkv.weight", of(l.qkvWeight()));
      m.put(p + "attn.out_proj.weight", of(l.outWeight()));
      m.put(p + "norm_2.weight", of(l.ln2Weight()));
      m.put(p + "ffn.up_proj.weight", of(l.upWeight()));
      m.put(p + "ffn.down_proj.weight", of(l.downWeight()));
    }
    m.put("norm_f.weight", of(w.finalLnWeight()));
    m.put("lm_head.weight", of(w.lmHead()));
    return m;
  }

  /** The names of {@code family}'s weights of {@code w}. */
  public static Map<String, Loaded> named(TinyCheckpoints.Kind family, ModelWeights w) {
    return family == TinyCheckpoints.Kind.BLOOM ? bloom(w) : mpt(w);
  }

  /** Every value of {@code m}, row by row, widened to float32. */
  public static float[] values(WeightMatrix m) {
    float[] v = new float[m.rows() * m.cols()];
    for (int r = 0; r < m.rows(); r++) {
      m.readRow(r, v, r * m.cols());
    }
    return v;
  }

  /** The values of a vector, which the loader keeps float32. */
  public static float[] values(NDArray a) {
    if (a.getDataType() != DataType.FLOAT32) {
      throw new AssertionError("vectors are loaded as FLOAT32, got " + a.getDataType());
    }
    return a.toFloatArray();
  }

  private static Loaded of(WeightMatrix m) {
    return new Loaded(new long[] {m.rows(), m.cols()}, values(m), m);
  }

  private static Loaded of(NDArray a) {
    return new Loaded(a.getShape().getShape(), values(a), null);
  }
}
