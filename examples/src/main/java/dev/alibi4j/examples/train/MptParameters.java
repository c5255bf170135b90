package dev.alibi4j.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
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
 * their Hugging Face MPT tensor names, so the same map is trained and saved.
 */
final class MptParameters {

  private final TransformerConfig config;
  private final Map<String, NDArray> byName = new LinkedHashMap<>();

  private MptParameters(TransformerConfig config) {
    this.config = config;
  }

  /** The architecture trained: MPT with ALiBi, exact GELU, 4 × hidden MLP. */
  static TransformerConfig architecture(int vocab, TrainConfig t) {
    return new TransformerConfig(
        vocab, t.hidden(), t.heads(), t.layers(), 4 * t.hidden(), 1e-5, QkvLayout.CONTIGUOUS,
        Activation.GELU_EXACT, false, false, SlopeScheme.MPT, 8, Double.NaN,
        1 / Math.sqrt((double) t.hidden() / t.heads()), 1.0);
  }

  /**
   * GPT-2 style initialisation: normal(0, 0.02), residual projections scaled by 1/√(2 layers),
   * layer-norm gains 1. Every array requires gradients.
   */
  static MptParameters initialise(NDManager manager, TransformerConfig c, long seed) {
    MptParameters p = new MptParameters(c);
    Random random = new Random(seed);
    long d = c.hiddenSize();
    double residual = 0.02 / Math.sqrt(2.0 * c.numLayers());
    p.put(manager, "transformer.wte.weight", new Shape(c.vocabSize(), d), random, 0.02);
    for (int i = 0; i < c.numLayers(); i++) {
      String b = "transformer.blocks." + i + ".";
      p.put(manager, b + "norm_1.weight", new Shape(d), random, -1);
      p.put(manager, b + "attn.Wqkv.weight", new Shape(3 * d, d), random, 0.02);
      p.put(manager, b + "attn.out_proj.weight", new Shape(d, d), random, residual);
      p.put(manager, b + "norm_2.weight", new Shape(d), random, -1);
      p.put(manager, b + "ffn.up_proj.weight", new Shape(4 * d, d), random, 0.02);
      p.put(manager, b + "ffn.down_proj.weight", new Shape(d, 4 * d), random, residual);
    }
    p.put(manager, "transformer.norm_f.weight", new Shape(d), random, -1);
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
      String b = "transformer.blocks." + i + ".";
      layers.add(new LayerWeights(
          get(b + "norm_1.weight"), null, matrix(b + "attn.Wqkv.weight"), null,
          matrix(b + "attn.out_proj.weight"), null, get(b + "norm_2.weight"), null,
          matrix(b + "ffn.up_proj.weight"), null, matrix(b + "ffn.down_proj.weight"), null));
    }
    WeightMatrix wte = matrix("transformer.wte.weight");
    return new ModelWeights(manager, wte, null, null, layers, get("transformer.norm_f.weight"), null, wte);
  }

  /** A trained matrix: the live array, which libtorch reads (and autograd follows) directly. */
  private WeightMatrix matrix(String name) {
    return WeightMatrix.of(get(name));
  }

  private NDArray get(String name) {
    return byName.get(name);
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
