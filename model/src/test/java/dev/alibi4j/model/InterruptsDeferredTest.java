package dev.alibi4j.model;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.ClosedByInterruptException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pending interrupt is set aside for a load; one that arrives during it is named. */
class InterruptsDeferredTest {

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  @Test
  void aPendingInterruptIsClearedDuringTheLoadAndSetAgainAfter() {
    Thread.currentThread().interrupt();
    boolean seenInside = InterruptsDeferred.load("m", () -> Thread.currentThread().isInterrupted());
    assertFalse(seenInside);
    assertTrue(Thread.currentThread().isInterrupted());
  }

  @Test
  void anInterruptDuringTheLoadSaysSoOnceAndStaysSet() {
    CheckpointException e = assertThrows(CheckpointException.class, () -> InterruptsDeferred.load("outer", () ->
        InterruptsDeferred.load("inner", () -> {
          Thread.currentThread().interrupt(); // another thread's interrupt, mid-read
          throw new CheckpointException("f: cannot read: null", new ClosedByInterruptException());
        })));
    assertMentions(e, "loading inner was interrupted");
    assertEquals("f: cannot read: null", e.getCause().getMessage(), "wrapped once, not per level");
    assertTrue(Thread.currentThread().isInterrupted());
  }

  @Test
  void otherFailuresPassUnchanged() {
    CheckpointException failure = new CheckpointException("config.json: missing field");
    assertSame(failure, assertThrows(CheckpointException.class, () -> InterruptsDeferred.load("m", () -> {
      throw failure;
    })));
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
