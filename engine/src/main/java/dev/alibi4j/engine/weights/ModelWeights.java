package dev.alibi4j.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * All weights of a model. The arrays belong to {@code manager}; closing this record frees them.
 *
 * @param manager owner of every array below
 * @param embeddings token embedding {@code [vocab, hidden]}
 * @param embLnWeight embedding layer norm gain {@code [hidden]}, or null when the model has none
 * @param embLnBias embedding layer norm bias {@code [hidden]}, or null
 * @param layers one entry per decoder block
 * @param finalLnWeight final layer norm gain {@code [hidden]}
 * @param finalLnBias final layer norm bias {@code [hidden]}, or null
 * @param lmHead output projection {@code [vocab, hidden]}; the embeddings themselves when tied
 */
public record ModelWeights(
    NDManager manager,
    NDArray embeddings,
    NDArray embLnWeight,
    NDArray embLnBias,
    List<LayerWeights> layers,
    NDArray finalLnWeight,
    NDArray finalLnBias,
    NDArray lmHead)
    implements AutoCloseable {

  public ModelWeights {
    layers = List.copyOf(layers);
  }

  @Override
  public void close() {
    manager.close();
  }
}
