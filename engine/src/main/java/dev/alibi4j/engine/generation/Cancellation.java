package dev.alibi4j.engine.generation;

import java.util.Arrays;
import java.util.Objects;

/**
 * A cancel handle for a generation that another thread runs. Pass one to {@code generate}; any
 * thread may then call {@link #cancel()}, and the generation ends before its next forward pass
 * with {@link FinishReason#CANCELLED}, returning the tokens chosen so far. (The generating thread
 * itself can be interrupted instead, to the same effect.) One handle may cancel several
 * generations; cancelling is permanent.
 */
public final class Cancellation {

  private final Cancellation[] parents;
  private volatile boolean cancelled;

  /** A handle not yet cancelled. */
  public Cancellation() {
    this.parents = new Cancellation[0];
  }

  private Cancellation(Cancellation[] parents) {
    this.parents = parents;
  }

  /**
   * A handle that reports cancellation when any of {@code handles} (nulls ignored) is cancelled,
   * or when it is cancelled itself; cancelling it leaves them alone.
   */
  public static Cancellation anyOf(Cancellation... handles) {
    return new Cancellation(Arrays.stream(handles).filter(Objects::nonNull).toArray(Cancellation[]::new));
  }

  /** Asks the generations that watch this handle to end at their next step. Thread-safe. */
  public void cancel() {
    cancelled = true;
  }

  /** Whether {@link #cancel()} was called on this handle or on one it was made from. */
  public boolean isCancelled() {
    if (cancelled) {
      return true;
    }
    for (Cancellation parent : parents) {
      if (parent.isCancelled()) {
        return true;
      }
    }
    return false;
  }
}
