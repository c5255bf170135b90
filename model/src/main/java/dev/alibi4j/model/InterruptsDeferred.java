package dev.alibi4j.model;

import java.nio.channels.ClosedByInterruptException;
import java.util.function.Supplier;

/**
 * Runs a load with the thread's pending interrupt set aside. A {@code FileChannel} read on an
 * interrupted thread closes the channel and fails ("cannot read: null"), so a thread interrupted
 * before loading could never load; the flag is cleared for the load and set again afterwards. An
 * interrupt that arrives during the load still stops its file I/O: that failure says so.
 */
final class InterruptsDeferred {

  private InterruptsDeferred() {}

  /**
   * @param what the checkpoint or model being loaded, for the message
   * @throws CheckpointException "loading WHAT was interrupted" when an interrupt during the load
   *     stopped it (the flag is then set)
   */
  static <T> T load(Object what, Supplier<T> loading) {
    boolean pending = Thread.interrupted();
    try {
      return loading.get();
    } catch (Interrupted e) {
      throw e; // a nested load already said so
    } catch (RuntimeException e) {
      if (Thread.currentThread().isInterrupted() || causedByInterrupt(e)) {
        Thread.currentThread().interrupt();
        throw new Interrupted("loading " + what + " was interrupted: the thread was interrupted during file I/O", e);
      }
      throw e;
    } finally {
      if (pending) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The failure of a load stopped by an interrupt. */
  private static final class Interrupted extends CheckpointException {
    Interrupted(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private static boolean causedByInterrupt(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ClosedByInterruptException) {
        return true;
      }
    }
    return false;
  }
}
