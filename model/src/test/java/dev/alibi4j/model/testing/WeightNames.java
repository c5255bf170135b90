package dev.alibi4j.model.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.family.TensorRole;
import dev.alibi4j.model.family.TensorSpec;
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

  /**
   * The names of {@code family}'s weights of {@code w}, from the family's tensor table (the same
   * table the loader reads by); {@code lm_head.weight} is the embedding when tied.
   */
  public static Map<String, Loaded> named(Family family, ModelWeights w) {
    Map<String, Loaded> m = new LinkedHashMap<>();
    boolean tied = w.lmHead() == w.embeddings();
    TransformerConfig c = TransformerConfigOf.weights(w);
    for (TensorSpec t : family.recipe().tensors(c, tied)) {
      m.put(t.name(), of(weight(w, t.role(), t.layer())));
    }
    if (tied) {
      m.put(family.recipe().names().get(TensorRole.LM_HEAD), of(w.lmHead()));
    }
    return m;
  }

  /** The weight of {@code role} (in block {@code layer}) of {@code w}: a WeightMatrix or an NDArray. */
  static Object weight(ModelWeights w, TensorRole role, int layer) {
    LayerWeights l = layer < 0 ? null : w.layers().get(layer);
    return switch (role) {
      case EMBEDDING -> w.embeddings();
      case EMBEDDING_NORM_WEIGHT -> w.embLnWeight();
      case EMBEDDING_NORM_BIAS -> w.embLnBias();
      case NORM1_WEIGHT -> l.ln1Weight();
      case NORM1_BIAS -> l.ln1Bias();
      case QKV_WEIGHT -> l.qkvWeight();
      case QKV_BIAS -> l.qkvBias();
      case OUT_WEIGHT -> l.outWeight();
      case OUT_BIAS -> l.outBias();
      case NORM2_WEIGHT -> l.ln2Weight();
      case NORM2_BIAS -> l.ln2Bias();
      case UP_WEIGHT -> l.upWeight();
      case UP_BIAS -> l.upBias();
      case DOWN_WEIGHT -> l.downWeight();
      case DOWN_BIAS -> l.downBias();
      case FINAL_NORM_WEIGHT -> w.finalLnWeight();
      case FINAL_NORM_BIAS -> w.finalLnBias();
      case LM_HEAD -> w.lmHead();
    };
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

  private static Loaded of(Object weight) {
    if (weight instanceof WeightMatrix m) {
      return new Loaded(new long[] {m.rows(), m.cols()}, values(m), m);
    }
    NDArray a = (NDArray) weight;
    return new Loaded(a.getShape().getShape(), values(a), null);
  }

  /** Sizes recovered from loaded weights, enough for the tensor table's shapes. */
  private static final class TransformerConfigOf {
    static TransformerConfig weights(ModelWeights w) {
      LayerWeights l = w.layers().get(0);
      int hidden = l.outWeight().rows();
      return TransformerConfig.builder().vocabSize(w.embeddings().rows()).hiddenSize(hidden)
          .numHeads(1).numLayers(w.layers().size()).ffnHiddenSize(l.upWeight().rows())
          .qkvLayout(dev.alibi4j.engine.nn.QkvLayout.CONTIGUOUS)
          .activation(dev.alibi4j.engine.nn.Activation.GELU_EXACT)
          .slopes(dev.alibi4j.engine.bias.SlopeScheme.BLOOM, 8).build();
    }
  }
}
