package dev.alibi4j.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.family.TensorRole;
import dev.alibi4j.model.family.TensorSpec;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trainable weights of a small MPT-style ALiBi decoder (no biases, tied embeddings), keyed by
 * their Hugging Face MPT tensor names from the MPT recipe's table, so the same map is trained and
 * saved.
 */
final class MptParameters {

  /** Hugging Face's MptForCausalLM saves the body under this prefix. */
  static final String PREFIX = "transformer.";

  private final TransformerConfig config;
  private final Map<String, NDArray> byName = new LinkedHashMap<>();
  private final Map<String, TensorSpec> specs = new LinkedHashMap<>();

  private MptParameters(TransformerConfig config) {
    this.config = config;
  }

  /** The architecture trained: MPT's standard design with ALiBi, exact GELU, 4 × hidden MLP. */
  static TransformerConfig architecture(int vocab, TrainConfig t) {
    return Family.MPT.recipe().standard(vocab, t.hidden(), t.heads(), t.layers());
  }

  /**
   * GPT-2 style initialisation: normal(0, 0.02), residual projections scaled by 1/√(2 layers),
   * layer-norm gains 1. Every array requires gradients.
   */
  static MptParameters initialise(NDManager manager, TransformerConfig c, long seed) {
    MptParameters p = new MptParameters(c);
    Random random = new Random(seed);
    double residual = 0.02 / Math.sqrt(2.0 * c.numLayers());
    for (TensorSpec t : Family.MPT.recipe().tensors(c, true)) {
      double std = switch (t.role()) {
        case OUT_WEIGHT, DOWN_WEIGHT -> residual;
        default -> t.role().kind() == TensorRole.Kind.NORM_GAIN ? -1 : 0.02;
      };
      p.specs.put(PREFIX + t.name(), t);
      p.put(manager, PREFIX + t.name(), new Shape(t.shape()), random, std);
    }
    return p;
  }

  // std < 0: a layer-norm gain of ones.
  private void put(NDManager m, String name, Shape shape, Random random, double std) {
    float[] v = new float[(int) shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = std < 0 ? 1f : (float) (random.nextGaussian() * std);
    }
    // Copied into memory libtorch allocates: the optimizer writes these arrays in place, and
    // they should not live in a Java direct buffer.
    NDArray a;
    try (NDArray fromJava = m.create(v, shape)) {
      a = fromJava.duplicate();
    }
    a.setRequiresGradient(true);
    byName.put(name, a);
  }

  Map<String, NDArray> byName() {
    return byName;
  }

  TransformerConfig config() {
    return config;
  }

  /** The same arrays as engine weights (shared, not copied), for the engine's forward pass. */
  ModelWeights asModelWeights(NDManager manager) {
    List<LayerWeights> layers = new ArrayList<>();
    for (int i = 0; i < config.numLayers(); i++) {
      layers.add(new LayerWeights(
          vector(TensorRole.NORM1_WEIGHT, i), null, matrix(TensorRole.QKV_WEIGHT, i), null,
          matrix(TensorRole.OUT_WEIGHT, i), null, vector(TensorRole.NORM2_WEIGHT, i), null,
          matrix(TensorRole.UP_WEIGHT, i), null, matrix(TensorRole.DOWN_WEIGHT, i), null));
    }
    WeightMatrix wte = matrix(TensorRole.EMBEDDING, -1);
    return new ModelWeights(manager, wte, null, null, layers, vector(TensorRole.FINAL_NORM_WEIGHT, -1), null, wte);
  }

  /** A trained matrix: the live array, which libtorch reads (and autograd follows) directly. */
  private WeightMatrix matrix(TensorRole role, int layer) {
    return WeightMatrix.of(vector(role, layer));
  }

  private NDArray vector(TensorRole role, int layer) {
    for (Map.Entry<String, TensorSpec> e : specs.entrySet()) {
      if (e.getValue().role() == role && e.getValue().layer() == layer) {
        return byName.get(e.getKey());
      }
    }
    throw new IllegalStateException("MPT has no " + role + " in block " + layer);
  }

  /** Writes {@code model.safetensors} in {@code dtype}. */
  void save(Path file, SafetensorsDtype dtype) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    w.putMetadata("format", "pt");
    for (Map.Entry<String, NDArray> e : byName.entrySet()) {
      w.add(e.getKey(), dtype, e.getValue().toType(DataType.FLOAT32, false));
    }
    w.write(file);
  }
}
