package dev.alibi4j.engine.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The pool runs each part of a job exactly once, before run() returns, and reports failures. */
class ComputePoolTest {

  /** Counts how often each part ran, and fails if it was told another number of parts. */
  static final class Counting implements ComputePool.Job {
    final AtomicIntegerArray runs;
    final int parts;

    Counting(int parts) {
      this.parts = parts;
      this.runs = new AtomicIntegerArray(parts);
    }

    @Override
    public void run(int part, int parts) {
      if (parts != this.parts) {
        throw new AssertionError("told " + parts + " parts");
      }
      runs.incrementAndGet(part);
    }
  }

  @Test
  void everyPartRunsOncePerJob() {
    ComputePool pool = new ComputePool(3);
    assertEquals(3, pool.parts());
    Counting job = new Counting(3);
    for (int j = 1; j <= 5000; j++) {
      pool.run(job);
      for (int p = 0; p < 3; p++) {
        assertEquals(j, job.runs.get(p), "part " + p + " after job " + j); // all done when run returns
      }
    }
  }

  @Test
  void workerFailureIsRethrownAndDoesNotStick() {
    ComputePool pool = new ComputePool(3);
    IllegalStateException boom = new IllegalStateException("boom");
    for (int failing = 0; failing < 3; failing++) {
      int part = failing;
      RuntimeException thrown = assertThrows(RuntimeException.class, () -> pool.run((p, n) -> {
        if (p == part) {
          throw boom;
        }
      }));
      assertSame(boom, thrown, "part " + part);
      Counting next = new Counting(3);
      pool.run(next); // a failure belongs to its job only
      assertEquals(1, next.runs.get(1));
    }
  }

  @Test
  void workerErrorIsRethrownAsIs() {
    ComputePool pool = new ComputePool(2);
    AssertionError error = new AssertionError("worker");
    assertSame(error, assertThrows(AssertionError.class, () -> pool.run((p, n) -> {
      if (p == 1) {
        throw error;
      }
    })));
  }

  @Test
  void checkedExceptionIsWrapped() {
    ComputePool pool = new ComputePool(2);
    Exception checked = new Exception("checked");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run((p, n) -> {
      if (p == 1) {
        ComputePoolTest.<RuntimeException>sneaky(checked);
      }
    }));
    assertSame(checked, e.getCause());
  }

  @Test
  void poolOfOneRunsOnTheCaller() {
    ComputePool pool = new ComputePool(1);
    AtomicReference<Thread> ran = new AtomicReference<>();
    Counting counting = new Counting(1);
    pool.run((p, n) -> {
      ran.set(Thread.currentThread());
      counting.run(p, n);
    });
    assertSame(Thread.currentThread(), ran.get());
    assertEquals(1, counting.runs.get(0));
  }

  @Test
  void partZeroRunsOnTheCaller() {
    ComputePool pool = new ComputePool(2);
    AtomicReference<Thread> zero = new AtomicReference<>();
    AtomicReference<Thread> one = new AtomicReference<>();
    pool.run((p, n) -> (p == 0 ? zero : one).set(Thread.currentThread()));
    assertSame(Thread.currentThread(), zero.get());
    assertInstanceOf(Thread.class, one.get());
    assertEquals("alibi4j-compute-1", one.get().getName());
  }

  @Test
  void needsAThread() {
    assertThrows(IllegalArgumentException.class, () -> new ComputePool(0));
  }

  @SuppressWarnings("unchecked")
  static <T extends Throwable> void sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
