package dev.alibi4j.examples.bench;

import ai.djl.ndarray.NDArray;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import java.util.stream.Stream;

/**
 * What one forward pass must move and compute, from the architecture and the weights as they sit
 * in memory: the yardsticks the measured speeds are divided by.
 *
 * @param weightBytes every weight's bytes in its storage type (tied embeddings counted once): what
 *     the model keeps resident
 * @param decodeWeightBytes bytes of the weights one decode step reads: every block, the final norm
 *     and the output head (the embedding table contributes one row, ignored)
 * @param kvBytesPerPosition bytes of keys and values one cached position holds, over all layers
 *     (float32 cache)
 * @param matrixParameters parameters of the blocks' four projections, over all layers
 * @param hidden model width
 * @param vocab vocabulary size
 * @param layers decoder blocks
 */
public record ModelCost(
    long weightBytes,
    long decodeWeightBytes,
    long kvBytesPerPosition,
    long matrixParameters,
    int hidden,
    int vocab,
    int layers) {

  /** Bytes per element of the float32 KV cache. */
  static final int KV_BYTES = 4;

  static ModelCost of(TransformerConfig config, ModelWeights weights) {
    long blocks = 0;
    long matrices = 0;
    for (LayerWeights l : weights.layers()) {
      blocks += bytes(l.ln1Weight(), l.ln1Bias(), l.qkvBias(), l.outBias(), l.ln2Weight(),
          l.ln2Bias(), l.upBias(), l.downBias())
          + bytes(l.qkvWeight(), l.outWeight(), l.upWeight(), l.downWeight());
      matrices += elements(l.qkvWeight()) + elements(l.outWeight()) + elements(l.upWeight())
          + elements(l.downWeight());
    }
    long head = bytes(weights.finalLnWeight(), weights.finalLnBias()) + bytes(weights.lmHead());
    long embedding = weights.embeddings() == weights.lmHead()
        ? 0
        : bytes(weights.embeddings());
    embedding += bytes(weights.embLnWeight(), weights.embLnBias());
    long kv = 2L * config.numLayers() * config.hiddenSize() * KV_BYTES;
    return new ModelCost(blocks + head + embedding, blocks + head, kv, matrices,
        config.hiddenSize(), config.vocabSize(), config.numLayers());
  }

  /** Bytes one decode step reads when the cache holds {@code context} positions. */
  public double decodeBytes(double context) {
    return decodeWeightBytes + kvBytesPerPosition * context;
  }

  /**
   * Floating-point operations of a prefill of {@code tokens} positions into an empty cache, as
   * the engine executes them: the four projections per token, the full (masked) {@code q kᵀ} and
   * {@code p v} squares per layer, and the output head for the last position.
   */
  public double prefillFlops(long tokens) {
    double projections = 2.0 * matrixParameters * tokens;
    double attention = 4.0 * layers * (double) tokens * tokens * hidden;
    double head = 2.0 * hidden * vocab;
    return projections + attention + head;
  }

  private static long bytes(WeightMatrix... matrices) {
    return Stream.of(matrices).mapToLong(WeightMatrix::byteSize).sum();
  }

  private static long elements(WeightMatrix m) {
    return (long) m.rows() * m.cols();
  }

  private static long bytes(NDArray... arrays) {
    return Stream.of(arrays)
        .filter(a -> a != null)
        .mapToLong(a -> a.size() * a.getDataType().getNumOfBytes())
        .sum();
  }
}
