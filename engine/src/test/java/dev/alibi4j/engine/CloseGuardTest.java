package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link CloseGuard}: release exactly once, never under a use, and refuse uses after close. */
class CloseGuardTest {

  private final AtomicInteger releases = new AtomicInteger();
  private final CloseGuard guard = new CloseGuard("thing", releases::incrementAndGet);

  @Test
  void closeWithoutUsesReleasesOnceAndLaterUsesAreRefused() {
    guard.enter();
    guard.exit();
    guard.close();
    guard.close();
    assertEquals(1, releases.get());
    assertTrue(guard.isClosed());
    IllegalStateException e = assertThrows(IllegalStateException.class, guard::enter);
    assertEquals("thing is closed", e.getMessage());
  }

  @Test
  void closeFromInsideAUseReturnsAndTheLastUseOutReleases() {
    guard.enter();
    guard.enter(); // nested, as a generation appending to a session
    guard.close();
    assertEquals(0, releases.get(), "released under a use");
    guard.exit();
    assertEquals(0, releases.get(), "released under the outer use");
    guard.exit();
    assertEquals(1, releases.get());
  }

  @Test
  void closeWaitsForAUseOnAnotherThreadAndKeepsItsInterruptFlag() throws Exception {
    CountDownLatch inUse = new CountDownLatch(1);
    CountDownLatch leave = new CountDownLatch(1);
    Thread user = new Thread(() -> {
      guard.enter();
      try {
        inUse.countDown();
        leave.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        guard.exit();
      }
    });
    user.start();
    assertTrue(inUse.await(30, TimeUnit.SECONDS));
    AtomicBoolean closerInterrupted = new AtomicBoolean();
    AtomicInteger releasesSeenByCloser = new AtomicInteger(-1);
    Thread closer = new Thread(() -> {
      Thread.currentThread().interrupt(); // must not cut the wait short
      guard.close();
      releasesSeenByCloser.set(releases.get());
      closerInterrupted.set(Thread.currentThread().isInterrupted());
    });
    closer.start();
    while (!guard.isClosed()) {
      Thread.onSpinWait();
    }
    assertThrows(IllegalStateException.class, guard::enter, "closing refuses new uses at once");
    assertEquals(0, releases.get(), "released while a use is in flight");
    leave.countDown();
    user.join(30_000);
    closer.join(30_000);
    assertFalse(closer.isAlive());
    assertEquals(1, releases.get());
    assertEquals(1, releasesSeenByCloser.get(), "close returned before the release");
    assertTrue(closerInterrupted.get(), "the closer's interrupt flag is kept");
  }
}
