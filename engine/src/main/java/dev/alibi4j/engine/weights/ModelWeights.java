package dev.alibi4j.engine.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.alibi4j.engine.tensor.WeightMatrix;
import java.util.List;

/**
 * All weights of a model. The arrays belong to {@code manager}, the matrices' bytes to {@code
 * storage}; closing this record frees both (the arrays first: libtorch may share the bytes).
 *
 * @param manager owner of every array below
 * @param storage owner of the matrices' bytes (e.g. the checkpoint's mappings), or null
 * @param embeddings token embedding {@code [vocab, hidden]}, in a storage type like the other matrices
 * @param embLnWeight embedding layer norm gain {@code [hidden]}, or null when the model has none
 * @param embLnBias embedding layer norm bias {@code [hidden]}, or null
 * @param layers one entry per decoder block
 * @param finalLnWeight final layer norm gain {@code [hidden]}
 * @param finalLnBias final layer norm bias {@code [hidden]}, or null
 * @param lmHead output projection {@code [vocab, hidden]}; the embeddings themselves when tied
 */
public record ModelWeights(
    NDManager manager,
    AutoCloseable storage,
    WeightMatrix embeddings,
    NDArray embLnWeight,
    NDArray embLnBias,
    List<LayerWeights> layers,
    NDArray finalLnWeight,
    NDArray finalLnBias,
    WeightMatrix lmHead)
    implements AutoCloseable {

  public ModelWeights {
    layers = List.copyOf(layers);
    storage = storage == null || storage instanceof CloseOnce ? storage : new CloseOnce(storage);
  }

  /** Closing twice (a model and its checkpoint both close the weights) releases once. */
  private static final class CloseOnce implements AutoCloseable {
    private final AutoCloseable target;
    private boolean closed;

    CloseOnce(AutoCloseable target) {
      this.target = target;
    }

    @Override
    public synchronized void close() throws Exception {
      if (!closed) {
        closed = true;
        target.close();
      }
    }
  }

  /** Weights whose matrices live in libtorch arrays (a trainer's): no separate storage. */
  public ModelWeights(
      NDManager manager, WeightMatrix embeddings, NDArray embLnWeight, NDArray embLnBias,
      List<LayerWeights> layers, NDArray finalLnWeight, NDArray finalLnBias, WeightMatrix lmHead) {
    this(manager, null, embeddings, embLnWeight, embLnBias, layers, finalLnWeight, finalLnBias, lmHead);
  }

  /** Every matrix, the head last (it may be the embeddings themselves). */
  public List<WeightMatrix> matrices() {
    List<WeightMatrix> all = new java.util.ArrayList<>();
    all.add(embeddings);
    for (LayerWeights l : layers) {
      all.addAll(List.of(l.qkvWeight(), l.outWeight(), l.upWeight(), l.downWeight()));
    }
    if (lmHead != embeddings) {
      all.add(lmHead);
    }
    return all;
  }

  @Override
  public void close() {
    try {
      manager.close();
    } finally {
      if (storage != null) {
        try {
          storage.close();
        } catch (Exception e) {
          throw new IllegalStateException("cannot release the weights' memory: " + e.getMessage(), e);
        }
      }
    }
  }
}
