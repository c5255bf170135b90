package dev.alibi4j.model.mpt;

import ai.djl.ndarray.NDArray;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.weights.WeightLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * Maps MPT's tensor names ({@code transformers} {@code MptForCausalLM}) to engine weights. Every
 * bias is null: transformers builds MPT's linear layers with {@code bias=False} and sets its
 * layer norms' bias to None. Names may carry the {@code transformer.} prefix; {@code
 * lm_head.weight} never does.
 */
public final class MptWeights {

  private MptWeights() {}

  /** Loads every MPT weight, checking each shape against {@code c}. */
  public static ModelWeights load(MptConfig c, WeightLoader w) {
    int v = c.vocabSize();
    int d = c.dModel();
    int f = c.ffnHiddenSize();
    WeightMatrix embeddings = w.matrix("wte.weight", v, d); // [vocab, d_model]
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      String p = "blocks." + i + ".";
      layers.add(new LayerWeights(
          w.load(p + "norm_1.weight", d), // [d_model]
          null,
          w.matrix(p + "attn.Wqkv.weight", 3 * d, d), // [3 * d_model, d_model]
          null,
          w.matrix(p + "attn.out_proj.weight", d, d), // [d_model, d_model]
          null,
          w.load(p + "norm_2.weight", d), // [d_model]
          null,
          w.matrix(p + "ffn.up_proj.weight", f, d), // [4 * d_model, d_model]
          null,
          w.matrix(p + "ffn.down_proj.weight", d, f), // [d_model, 4 * d_model]
          null));
    }
    NDArray finalLnWeight = w.load("norm_f.weight", d); // [d_model]
    WeightMatrix lmHead =
        c.tieWordEmbeddings() ? embeddings : w.matrix("lm_head.weight", v, d); // [vocab, d_model]
    return new ModelWeights(
        w.manager(), w.storage(), embeddings, null, null, layers, finalLnWeight, null, lmHead);
  }
}
