package dev.alibi4j.engine.cache;

import ai.djl.ndarray.NDManager;

/** One {@link LayerCache} per decoder block; owns their memory. */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final LayerCache[] layers;

  /**
   * @param parent manager under which the cache allocates its own sub-manager
   * @param numLayers decoder blocks
   */
  public KvCache(NDManager parent, int numLayers) {
    this.manager = parent.newSubManager();
    this.layers = new LayerCache[numLayers];
    for (int i = 0; i < numLayers; i++) {
      layers[i] = new LayerCache(manager);
    }
  }

  /** Cache of block {@code index}. */
  public LayerCache layer(int index) {
    return layers[index];
  }

  /** Positions stored (the same in every layer). */
  public int length() {
    return layers.length == 0 ? 0 : layers[0].length();
  }

  @Override
  public void close() {
    manager.close();
  }
}
