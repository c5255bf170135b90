package dev.alibi4j.engine.reference;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.tensor.Q8Blocks;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random weights for a config, as engine weights and float64 reference copies of the very values
 * the engine holds. Scales are large enough that attention is far from uniform, so a wrong slope
 * or layout shows.
 *
 * <p>Matrices are stored as bytes of a {@link WeightType} (as a loaded checkpoint holds them), or
 * as libtorch arrays (as a trainer holds them). float16 and bfloat16 values are rounded by the
 * reference's own rounding before they are stored, so storing them is exact; Q8_0 matrices are
 * quantized by the engine and the reference dequantizes the stored bytes itself ({@link
 * ReferenceQ8}); rows that do not divide into Q8_0's blocks stay float32, as a loader keeps them. Vectors (norms, biases) are float32 arrays in every case.
 */
public final class RandomModel {

  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final Random random;
  private final boolean withBiases;
  private final WeightType type; // null: libtorch arrays
  private final Arena arena;

  private RandomModel(long seed, boolean withBiases, WeightType type) {
    this.random = new Random(seed);
    this.withBiases = withBiases;
    this.type = type;
    this.arena = type == null ? null : Arena.ofShared();
  }

  /** Weights and their reference copies. */
  public record Pair(ModelWeights weights, ReferenceWeights reference) {}

  /**
   * float32 matrices as bytes.
   *
   * @param withBiases whether linear layers and layer norms carry biases (BLOOM) or not (MPT)
   */
  public static Pair create(TransformerConfig c, long seed, boolean withBiases) {
    return create(c, seed, withBiases, WeightType.F32);
  }

  /** Matrices stored as bytes of {@code type}. */
  public static Pair create(TransformerConfig c, long seed, boolean withBiases, WeightType type) {
    return new RandomModel(seed, withBiases, type).build(c);
  }

  /** float32 matrices held in libtorch arrays, as a trainer's are. */
  public static Pair createArrays(TransformerConfig c, long seed, boolean withBiases) {
    return new RandomModel(seed, withBiases, null).build(c);
  }

  private Pair build(TransformerConfig c) {
    NDManager manager = NDManager.newBaseManager("PyTorch");
    int h = c.hiddenSize();
    int f = c.ffnHiddenSize();
    Matrix emb = matrix(manager, c.vocabSize(), h, 1.0);
    Tensor embLnW = c.embeddingLayerNorm() ? gain(h) : null;
    Tensor embLnB = c.embeddingLayerNorm() ? vector(h, 0.1) : null;
    List<LayerWeights> layers = new ArrayList<>();
    List<ReferenceWeights.Layer> refLayers = new ArrayList<>();
    for (int i = 0; i < c.numLayers(); i++) {
      Tensor ln1W = gain(h);
      Tensor ln1B = bias(h);
      Matrix qkvW = matrix(manager, 3 * h, h, 1.5 / Math.sqrt(h));
      Tensor qkvB = bias(3 * h);
      Matrix outW = matrix(manager, h, h, 1.0 / Math.sqrt(h));
      Tensor outB = bias(h);
      Tensor ln2W = gain(h);
      Tensor ln2B = bias(h);
      Matrix upW = matrix(manager, f, h, 1.0 / Math.sqrt(h));
      Tensor upB = bias(f);
      Matrix downW = matrix(manager, h, f, 1.0 / Math.sqrt(f));
      Tensor downB = bias(h);
      layers.add(new LayerWeights(
          nd(manager, ln1W), nd(manager, ln1B), qkvW.engine(), nd(manager, qkvB),
          outW.engine(), nd(manager, outB), nd(manager, ln2W), nd(manager, ln2B),
          upW.engine(), nd(manager, upB), downW.engine(), nd(manager, downB)));
      refLayers.add(new ReferenceWeights.Layer(
          vec(ln1W), vec(ln1B), qkvW.reference(), vec(qkvB), outW.reference(), vec(outB), vec(ln2W),
          vec(ln2B), upW.reference(), vec(upB), downW.reference(), vec(downB)));
    }
    Tensor lnfW = gain(h);
    Tensor lnfB = bias(h);
    ModelWeights weights = new ModelWeights(
        manager, arena, emb.engine(), nd(manager, embLnW), nd(manager, embLnB), layers,
        nd(manager, lnfW), nd(manager, lnfB), emb.engine());
    ReferenceWeights reference = new ReferenceWeights(
        emb.reference(), vec(embLnW), vec(embLnB), refLayers, vec(lnfW), vec(lnfB), emb.reference());
    return new Pair(weights, reference);
  }

  /** Row-major float32 values with their shape. */
  private record Tensor(float[] data, int rows, int cols) {}

  /** A matrix as the engine holds it and as the reference sees it. */
  private record Matrix(WeightMatrix engine, double[][] reference) {}

  private Matrix matrix(NDManager manager, int rows, int cols, double scale) {
    float[] d = new float[rows * cols];
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) (random.nextGaussian() * scale);
      if (type == WeightType.F16) {
        d[i] = (float) ReferenceHalf.round(d[i]);
      } else if (type == WeightType.BF16) {
        d[i] = (float) ReferenceBf16.round(d[i]);
      }
    }
    if (type == null) {
      NDArray a = manager.create(d, new Shape(rows, cols)).duplicate(); // [rows, cols] in libtorch memory
      return new Matrix(WeightMatrix.of(a), mat(d, rows, cols));
    }
    WeightType type = this.type.storageFor(cols);
    long rowBytes = type.rowBytes(cols);
    MemorySegment bytes = arena.allocate(rowBytes * rows, 64);
    double[][] ref = new double[rows][];
    for (int r = 0; r < rows; r++) {
      long off = r * rowBytes;
      switch (type) {
        case F32 -> {
          for (int c = 0; c < cols; c++) {
            bytes.set(FLOAT, off + 4L * c, d[r * cols + c]);
          }
        }
        case F16 -> {
          for (int c = 0; c < cols; c++) {
            bytes.set(SHORT, off + 2L * c, Float.floatToFloat16(d[r * cols + c])); // exact: already rounded
          }
        }
        case BF16 -> {
          for (int c = 0; c < cols; c++) {
            bytes.set(SHORT, off + 2L * c, (short) (Float.floatToRawIntBits(d[r * cols + c]) >>> 16)); // exact
          }
        }
        case Q8_0 -> Q8Blocks.quantize(d, r * cols, cols, bytes, off);
      }
      ref[r] = type == WeightType.Q8_0 ? ReferenceQ8.dequantize(bytes, off, cols) : row(d, r, cols);
    }
    return new Matrix(WeightMatrix.of(bytes, type, rows, cols), ref);
  }

  private Tensor vector(int n, double scale) {
    float[] d = new float[n];
    for (int i = 0; i < n; i++) {
      d[i] = (float) (random.nextGaussian() * scale);
    }
    return new Tensor(d, 1, n);
  }

  private Tensor gain(int n) {
    Tensor t = vector(n, 0.2);
    for (int i = 0; i < n; i++) {
      t.data()[i] += 1f;
    }
    return t;
  }

  private Tensor bias(int n) {
    return withBiases ? vector(n, 0.1) : null;
  }

  private static NDArray nd(NDManager m, Tensor t) {
    return t == null ? null : m.create(t.data(), new Shape(t.cols()));
  }

  private static double[] vec(Tensor t) {
    return t == null ? null : row(t.data(), 0, t.cols());
  }

  private static double[] row(float[] d, int r, int cols) {
    double[] v = new double[cols];
    for (int c = 0; c < cols; c++) {
      v[c] = d[r * cols + c];
    }
    return v;
  }

  private static double[][] mat(float[] d, int rows, int cols) {
    double[][] m = new double[rows][];
    for (int r = 0; r < rows; r++) {
      m[r] = row(d, r, cols);
    }
    return m;
  }
}
