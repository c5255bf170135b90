package dev.alibi4j.examples.serve;

import dev.alibi4j.model.AlibiLM;

/**
 * The server's model, which may still be loading: the server listens first, so that health
 * checks and clients get "503, loading" rather than "connection refused" while a large checkpoint
 * is read.
 */
public final class ModelSlot {

  private volatile AlibiLM model;

  private ModelSlot(AlibiLM model) {
    this.model = model;
  }

  /** A slot to be filled by {@link #set}. */
  public static ModelSlot loading() {
    return new ModelSlot(null);
  }

  /** A slot holding a loaded model. */
  public static ModelSlot of(AlibiLM model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    return new ModelSlot(model);
  }

  /** Makes the model available to requests. */
  public void set(AlibiLM model) {
    if (model == null) {
      throw new IllegalArgumentException("model must not be null");
    }
    this.model = model;
  }

  /** Whether the model has loaded. */
  public boolean ready() {
    return model != null;
  }

  /** The model, or null while loading. */
  AlibiLM orNull() {
    return model;
  }

  /** The model; while loading, a 503 for the client to retry. */
  AlibiLM get() {
    AlibiLM m = model;
    if (m == null) {
      throw new ApiError(503, "unavailable_error", null, "the model is still loading; retry shortly");
    }
    return m;
  }
}
