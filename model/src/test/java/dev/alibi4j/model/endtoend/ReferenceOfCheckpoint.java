package dev.alibi4j.model.endtoend;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.reference.ReferenceWeights;
import static dev.alibi4j.model.family.TensorRole.*;

import dev.alibi4j.model.Family;
import dev.alibi4j.model.family.TensorRole;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;

/** Float64 reference weights from the values a test wrote into a checkpoint, by tensor name. */
final class ReferenceOfCheckpoint {

  private ReferenceOfCheckpoint() {}

  /** {@code family}'s tensors of {@code w}, by the family's table; absent roles are null. */
  static ReferenceWeights of(Family family, Written w, TransformerConfig c) {
    Map<TensorRole, String> names = family.recipe().names();
    java.util.function.BiFunction<TensorRole, Integer, String> name = (role, layer) -> {
      String n = names.get(role);
      return n == null ? null : n.replace("{i}", Integer.toString(layer));
    };
    List<ReferenceWeights.Layer> layers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      layers.add(new ReferenceWeights.Layer(
          vec(w, name.apply(NORM1_WEIGHT, i)), vec(w, name.apply(NORM1_BIAS, i)),
          mat(w, name.apply(QKV_WEIGHT, i)), vec(w, name.apply(QKV_BIAS, i)),
          mat(w, name.apply(OUT_WEIGHT, i)), vec(w, name.apply(OUT_BIAS, i)),
          vec(w, name.apply(NORM2_WEIGHT, i)), vec(w, name.apply(NORM2_BIAS, i)),
          mat(w, name.apply(UP_WEIGHT, i)), vec(w, name.apply(UP_BIAS, i)),
          mat(w, name.apply(DOWN_WEIGHT, i)), vec(w, name.apply(DOWN_BIAS, i))));
    }
    double[][] emb = mat(w, names.get(EMBEDDING));
    String head = names.get(LM_HEAD);
    return new ReferenceWeights(
        emb, vec(w, names.get(EMBEDDING_NORM_WEIGHT)), vec(w, names.get(EMBEDDING_NORM_BIAS)), layers,
        vec(w, names.get(FINAL_NORM_WEIGHT)), vec(w, names.get(FINAL_NORM_BIAS)),
        w.values().containsKey(head) ? mat(w, head) : emb);
  }

  static ReferenceWeights bloom(Written w, TransformerConfig c) {
    return of(Family.BLOOM, w, c);
  }

  static ReferenceWeights mpt(Written w, TransformerConfig c) {
    return of(Family.MPT, w, c);
  }

  private static double[] vec(Written w, String name) {
    if (name == null) {
      return null;
    }
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
