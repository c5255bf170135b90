package dev.alibi4j.engine.kernel.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed set of compute threads that run one job in {@code parts} pieces: the calling thread
 * runs part 0, each worker one other part. Workers wait for the next job by spinning briefly, then
 * parking: a decode step calls about a hundred products a few microseconds apart, and waking a
 * parked thread costs tens of microseconds. Nothing is allocated per job.
 *
 * <p>One job at a time: callers must hold the kernel's lock around {@link #run}.
 */
final class ComputePool {

  /** A job split into parts; {@code run} must be safe to call from several threads at once. */
  interface Job {
    void run(int part, int parts);
  }

  /** How long an idle worker spins before parking. */
  static final long SPIN_NANOS = 50_000;

  private final int parts;
  private final Thread[] workers;
  private final AtomicInteger pending = new AtomicInteger();
  private volatile Job job;
  private volatile long generation;
  private volatile Throwable failure;

  /** @param parts threads in all, the caller included (1: everything runs on the caller) */
  ComputePool(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("compute threads must be at least 1, got " + parts);
    }
    this.parts = parts;
    this.workers = new Thread[parts - 1];
    for (int i = 0; i < workers.length; i++) {
      int part = i + 1;
      workers[i] = Thread.ofPlatform().daemon().name("alibi4j-compute-" + part).unstarted(() -> work(part));
      workers[i].start();
    }
  }

  /** Threads in all, the caller included. */
  int parts() {
    return parts;
  }

  /** Runs every part of {@code j} and returns when all are done; rethrows a part's failure. */
  void run(Job j) {
    if (parts == 1) {
      j.run(0, 1);
      return;
    }
    failure = null;
    job = j;
    pending.set(parts - 1);
    generation = generation + 1; // publishes the job
    for (Thread w : workers) {
      LockSupport.unpark(w); // cheap when it is spinning; a parked worker needs it
    }
    Throwable own = null;
    try {
      j.run(0, parts);
    } catch (Throwable t) {
      own = t;
    }
    while (pending.get() != 0) {
      Thread.onSpinWait();
    }
    job = null;
    Throwable t = own != null ? own : failure;
    if (t instanceof RuntimeException e) {
      throw e;
    } else if (t instanceof Error e) {
      throw e;
    } else if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  private void work(int part) {
    long seen = 0;
    while (true) {
      long deadline = System.nanoTime() + SPIN_NANOS;
      while (generation == seen) {
        if (System.nanoTime() < deadline) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this); // an unpark given before this call makes it return at once
        }
      }
      seen = generation;
      try {
        job.run(part, parts);
      } catch (Throwable t) {
        failure = t;
      } finally {
        pending.decrementAndGet();
      }
    }
  }
}
