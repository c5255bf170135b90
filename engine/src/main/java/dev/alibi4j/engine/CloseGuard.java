package dev.alibi4j.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Lets a holder of native memory be closed while other threads use it. Every use runs between
 * {@link #enter()} and {@link #exit()}; {@link #close()} refuses new uses, waits for those in
 * flight and then runs the release action, exactly once. Memory is therefore never freed under a
 * running call, and a call that starts after {@code close()} fails with {@link
 * IllegalStateException} instead of reading freed memory.
 *
 * <p>{@code close()} from inside a use (a token listener that closes the model) cannot wait for
 * itself: it refuses new uses and returns, and the last use to exit releases.
 */
public final class CloseGuard {

  private final String name;
  private final Runnable release;
  private final Map<Thread, Integer> users = new HashMap<>(); // thread -> nested uses in flight
  private int inFlight;
  private boolean closing;
  private boolean releasing;
  private boolean released;

  /**
   * @param name what is guarded, for messages: {@code "model"} gives "model is closed"
   * @param release frees the memory; run once, when closed and no use is in flight
   */
  public CloseGuard(String name, Runnable release) {
    this.name = name;
    this.release = release;
  }

  /**
   * Starts a use; pair it with {@link #exit()} in a {@code finally} block.
   *
   * @throws IllegalStateException "NAME is closed" once {@link #close()} has been called
   */
  public synchronized void enter() {
    if (closing) {
      throw new IllegalStateException(name + " is closed");
    }
    users.merge(Thread.currentThread(), 1, Integer::sum);
    inFlight++;
  }

  /** Ends a use; the last use out after {@link #close()} releases the memory. */
  public void exit() {
    boolean releaseNow;
    synchronized (this) {
      Thread self = Thread.currentThread();
      if (users.merge(self, -1, Integer::sum) == 0) {
        users.remove(self);
      }
      inFlight--;
      releaseNow = closing && inFlight == 0 && !releasing;
      releasing |= releaseNow;
    }
    if (releaseNow) {
      runRelease();
    }
  }

  /** Whether {@link #close()} has been called. */
  public synchronized boolean isClosed() {
    return closing;
  }

  /**
   * Refuses new uses, waits for those in flight (uninterruptibly: the memory must not be freed
   * under them, and the caller's interrupt flag is kept) and releases. Idempotent; a second caller
   * also waits until the memory is released. Called from inside a use it returns at once and the
   * release happens when the last use exits.
   */
  public void close() {
    boolean releaseNow;
    synchronized (this) {
      closing = true;
      if (users.containsKey(Thread.currentThread())) {
        return; // waiting would deadlock on our own use
      }
      releaseNow = inFlight == 0 && !releasing;
      releasing |= releaseNow;
    }
    if (releaseNow) {
      runRelease();
      return;
    }
    awaitRelease();
  }

  private void runRelease() {
    try {
      release.run();
    } finally {
      synchronized (this) {
        released = true;
        notifyAll();
      }
    }
  }

  private synchronized void awaitRelease() {
    boolean interrupted = false;
    while (!released) {
      try {
        wait();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
