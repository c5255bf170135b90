package dev.alibi4j.model.family;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.weights.WeightLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything alibi4j knows about one model family, in one place: how its {@code config.json} is
 * read (aliases, refusals) and written, the name of each of its tensors, and (through the {@link
 * TransformerConfig} it parses) how its blocks are composed. The loader, the synthetic benchmark
 * models, the trainer and the tests all take the tensor table from here.
 */
public interface FamilyRecipe {

  /** The {@code model_type} values naming this family, the preferred one first. */
  List<String> modelTypes();

  /**
   * Reads and vets a {@code config.json} of this family.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file and the missing, invalid or
   *     unsupported field and its value
   */
  FamilyConfig parse(JsonConfig json);

  /**
   * The family's design at these sizes, with its defaults for everything else (4 × hidden MLP,
   * layer-norm epsilon 1e-5, standard slopes and scales): what a synthetic model or a trainer of
   * this family builds.
   */
  TransformerConfig standard(int vocabSize, int hiddenSize, int numHeads, int numLayers);

  /**
   * A {@code config.json} of this family for {@code c}, which {@link #parse} reads back to an equal
   * config (callers add token ids and metadata).
   *
   * @param tiedHead whether the output head is the embedding
   * @throws IllegalArgumentException when {@code c} is not a design this family has
   */
  JsonObject writeConfig(TransformerConfig c, boolean tiedHead);

  /**
   * The checkpoint name of each role this family has (unprefixed; {@code {i}} stands for the block
   * index). A role absent here is absent from the family (MPT has no biases).
   */
  Map<TensorRole, String> names();

  /** Every tensor of a checkpoint with config {@code c}, in a stable order. */
  default List<TensorSpec> tensors(TransformerConfig c, boolean tiedHead) {
    List<TensorSpec> all = new ArrayList<>();
    for (TensorRole role : TensorRole.values()) {
      String name = names().get(role);
      if (name == null || (role == TensorRole.LM_HEAD && tiedHead)) {
        continue;
      }
      if (role.perLayer()) {
        for (int i = 0; i < c.numLayers(); i++) {
          all.add(new TensorSpec(name.replace("{i}", Integer.toString(i)), role, i, role.shape(c)));
        }
      } else {
        all.add(new TensorSpec(name, role, -1, role.shape(c)));
      }
    }
    return all;
  }

  /**
   * Loads every weight of the table through {@code w}, checking each shape.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the tensor, file and shapes at fault
   */
  default ModelWeights loadWeights(TransformerConfig c, boolean tiedHead, WeightLoader w) {
    Loaded t = new Loaded(this, c, w);
    WeightMatrix embeddings = t.matrix(TensorRole.EMBEDDING, -1);
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      layers.add(new LayerWeights(
          t.vector(TensorRole.NORM1_WEIGHT, i), t.vector(TensorRole.NORM1_BIAS, i),
          t.matrix(TensorRole.QKV_WEIGHT, i), t.vector(TensorRole.QKV_BIAS, i),
          t.matrix(TensorRole.OUT_WEIGHT, i), t.vector(TensorRole.OUT_BIAS, i),
          t.vector(TensorRole.NORM2_WEIGHT, i), t.vector(TensorRole.NORM2_BIAS, i),
          t.matrix(TensorRole.UP_WEIGHT, i), t.vector(TensorRole.UP_BIAS, i),
          t.matrix(TensorRole.DOWN_WEIGHT, i), t.vector(TensorRole.DOWN_BIAS, i)));
    }
    WeightMatrix head = tiedHead ? embeddings : t.matrix(TensorRole.LM_HEAD, -1);
    return new ModelWeights(w.manager(), w.storage(), embeddings,
        t.vector(TensorRole.EMBEDDING_NORM_WEIGHT, -1), t.vector(TensorRole.EMBEDDING_NORM_BIAS, -1),
        layers, t.vector(TensorRole.FINAL_NORM_WEIGHT, -1), t.vector(TensorRole.FINAL_NORM_BIAS, -1), head);
  }

  /** The table's tensors read through a loader; a role the family lacks gives null. */
  final class Loaded {
    private final Map<TensorRole, String> names;
    private final TransformerConfig c;
    private final WeightLoader w;

    Loaded(FamilyRecipe recipe, TransformerConfig c, WeightLoader w) {
      this.names = recipe.names();
      this.c = c;
      this.w = w;
    }

    WeightMatrix matrix(TensorRole role, int layer) {
      long[] s = role.shape(c);
      return w.matrix(name(role, layer), Math.toIntExact(s[0]), Math.toIntExact(s[1]));
    }

    NDArray vector(TensorRole role, int layer) {
      return names.containsKey(role) ? w.load(name(role, layer), role.shape(c)) : null;
    }

    private String name(TensorRole role, int layer) {
      String name = names.get(role);
      return layer < 0 ? name : name.replace("{i}", Integer.toString(layer));
    }
  }
}
