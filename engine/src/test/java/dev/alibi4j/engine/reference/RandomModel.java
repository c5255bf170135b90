package dev.alibi4j.engine.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random float32 weights for a config, as both engine arrays and float64 reference copies.
 * Scales are large enough that attention is far from uniform, so a wrong slope or layout shows.
 */
public final class RandomModel {

  private final Random random;
  private final boolean withBiases;
  private final DataType dtype;

  private RandomModel(long seed, boolean withBiases, DataType dtype) {
    this.random = new Random(seed);
    this.withBiases = withBiases;
    this.dtype = dtype;
  }

  /** Weights and their reference copies. */
  public record Pair(ModelWeights weights, ReferenceWeights reference) {}

  /**
   * @param withBiases whether linear layers and layer norms carry biases (BLOOM) or not (MPT)
   */
  public static Pair create(TransformerConfig c, long seed, boolean withBiases) {
    return new RandomModel(seed, withBiases, DataType.FLOAT32).build(c);
  }

  /**
   * Every weight stored as {@code dtype} (as a checkpoint loaded in that type gives them); for
   * FLOAT16 the reference gets the same values, rounded to half precision by {@link
   * ReferenceHalf}, so it differs from the engine only by the engine's own arithmetic.
   */
  public static Pair create(TransformerConfig c, long seed, boolean withBiases, DataType dtype) {
    return new RandomModel(seed, withBiases, dtype).build(c);
  }

  private Pair build(TransformerConfig c) {
    NDManager manager = NDManager.newBaseManager("PyTorch");
    int h = c.hiddenSize();
    int f = c.ffnHiddenSize();
    Tensor emb = matrix(c.vocabSize(), h, 1.0);
    Tensor embLnW = c.embeddingLayerNorm() ? gain(h) : null;
    Tensor embLnB = c.embeddingLayerNorm() ? vector(h, 0.1) : null;
    List<LayerWeights> layers = new ArrayList<>();
    List<ReferenceWeights.Layer> refLayers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      Tensor ln1W = gain(h);
      Tensor ln1B = bias(h);
      Tensor qkvW = matrix(3 * h, h, 1.5 / Math.sqrt(h));
      Tensor qkvB = bias(3 * h);
      Tensor outW = matrix(h, h, 1.0 / Math.sqrt(h));
      Tensor outB = bias(h);
      Tensor ln2W = gain(h);
      Tensor ln2B = bias(h);
      Tensor upW = matrix(f, h, 1.0 / Math.sqrt(h));
      Tensor upB = bias(f);
      Tensor downW = matrix(h, f, 1.0 / Math.sqrt(f));
      Tensor downB = bias(h);
      layers.add(new LayerWeights(
          nd(manager, ln1W), nd(manager, ln1B), nd(manager, qkvW), nd(manager, qkvB),
          nd(manager, outW), nd(manager, outB), nd(manager, ln2W), nd(manager, ln2B),
          nd(manager, upW), nd(manager, upB), nd(manager, downW), nd(manager, downB)));
      refLayers.add(new ReferenceWeights.Layer(
          vec(ln1W), vec(ln1B), mat(qkvW), vec(qkvB), mat(outW), vec(outB), vec(ln2W), vec(ln2B),
          mat(upW), vec(upB), mat(downW), vec(downB)));
    }
    Tensor lnfW = gain(h);
    Tensor lnfB = bias(h);
    NDArray embNd = nd(manager, emb);
    ModelWeights weights = new ModelWeights(
        manager, embNd, nd(manager, embLnW), nd(manager, embLnB), layers,
        nd(manager, lnfW), nd(manager, lnfB), embNd);
    ReferenceWeights reference = new ReferenceWeights(
        mat(emb), vec(embLnW), vec(embLnB), refLayers, vec(lnfW), vec(lnfB), mat(emb));
    return new Pair(weights, reference);
  }

  /** Row-major float32 values with their shape. */
  private record Tensor(float[] data, int rows, int cols) {}

  private Tensor matrix(int rows, int cols, double scale) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (random.nextGaussian() * scale);
      if (dtype == DataType.FLOAT16) {
        d[i] = (float) ReferenceHalf.round(d[i]);
      }
    }
    return new Tensor(d, rows, cols);
  }

  private Tensor vector(int n, double scale) {
    return matrix(1, n, scale);
  }

  private Tensor gain(int n) {
    Tensor t = vector(n, 0.2);
    for (int i = 0; i < n; i++) {
      t.data()[i] += 1f;
      if (dtype == DataType.FLOAT16) {
        t.data()[i] = (float) ReferenceHalf.round(t.data()[i]);
      }
    }
    return t;
  }

  private Tensor bias(int n) {
    return withBiases ? vector(n, 0.1) : null;
  }

  private NDArray nd(NDManager m, Tensor t) {
    if (t == null) {
      return null;
    }
    Shape shape = t.rows() == 1 ? new Shape(t.cols()) : new Shape(t.rows(), t.cols());
    NDArray a = m.create(t.data(), shape);
    return dtype == DataType.FLOAT32 ? a : a.toType(dtype, false); // exact: values are already rounded
  }

  private static double[] vec(Tensor t) {
    if (t == null) {
      return null;
    }
    double[] v = new double[t.data().length];
    for (int i = 0; i < v.length; i++) {
      v[i] = t.data()[i];
    }
    return v;
  }

  private static double[][] mat(Tensor t) {
    double[][] m = new double[t.rows()][t.cols()];
    for (int r = 0; r < t.rows(); r++) {
      for (int c = 0; c < t.cols(); c++) {
        m[r][c] = t.data()[r * t.cols() + c];
      }
    }
    return m;
  }
}
