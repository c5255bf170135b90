package dev.alibi4j.model.bloom;

import ai.djl.ndarray.NDArray;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.weights.WeightLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps BLOOM's tensor names ({@code transformers} {@code BloomForCausalLM}) to engine weights.
 * Names may carry the {@code transformer.} prefix; {@code lm_head.weight} never does.
 */
public final class BloomWeights {

  private BloomWeights() {}

  /** Loads every BLOOM weight, checking each shape against {@code c}. */
  public static ModelWeights load(BloomConfig c, WeightLoader w) {
    int v = c.vocabSize();
    int h = c.hiddenSize();
    int f = c.ffnHiddenSize();
    WeightMatrix embeddings = w.matrix("word_embeddings.weight", v, h); // [vocab, hidden]
    NDArray embLnWeight = w.load("word_embeddings_layernorm.weight", h); // [hidden]
    NDArray embLnBias = w.load("word_embeddings_layernorm.bias", h); // [hidden]
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "h." + i + ".";
      layers.add(new LayerWeights(
          w.load(p + "input_layernorm.weight", h), // [hidden]
          w.load(p + "input_layernorm.bias", h), // [hidden]
          w.matrix(p + "self_attention.query_key_value.weight", 3 * h, h), // [3 * hidden, hidden]
          w.load(p + "self_attention.query_key_value.bias", 3 * h), // [3 * hidden]
          w.matrix(p + "self_attention.dense.weight", h, h), // [hidden, hidden]
          w.load(p + "self_attention.dense.bias", h), // [hidden]
          w.load(p + "post_attention_layernorm.weight", h), // [hidden]
          w.load(p + "post_attention_layernorm.bias", h), // [hidden]
          w.matrix(p + "mlp.dense_h_to_4h.weight", f, h), // [4 * hidden, hidden]
          w.load(p + "mlp.dense_h_to_4h.bias", f), // [4 * hidden]
          w.matrix(p + "mlp.dense_4h_to_h.weight", h, f), // [hidden, 4 * hidden]
          w.load(p + "mlp.dense_4h_to_h.bias", h))); // [hidden]
    }
    NDArray finalLnWeight = w.load("ln_f.weight", h); // [hidden]
    NDArray finalLnBias = w.load("ln_f.bias", h); // [hidden]
    WeightMatrix lmHead =
        c.tieWordEmbeddings() ? embeddings : w.matrix("lm_head.weight", v, h); // [vocab, hidden]
    return new ModelWeights(w.manager(), w.storage(), embeddings, embLnWeight, embLnBias, layers,
        finalLnWeight, finalLnBias, lmHead);
  }
}
