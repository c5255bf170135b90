package dev.alibi4j.model.facade;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.generation.Cancellation;
import dev.alibi4j.engine.generation.FinishReason;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** {@link AlibiLM} in a long-running service: shared by threads, closed, cancelled, limited. */
class AlibiLMServiceTest {

  @TempDir Path tmp;
  private Path dir;

  @BeforeEach
  void writeCheckpoint() {
    // No end-of-sequence token: generations run to their length unless cancelled.
    dir = TinyCheckpoints.bloom().seed(3).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("b")).dir();
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted();
  }

  private static GenerationParams greedy(int maxNew) {
    return GenerationParams.builder().maxNewTokens(maxNew).build();
  }

  private static void assertModelClosed(Executable call) {
    IllegalStateException e = assertThrows(IllegalStateException.class, call);
    assertEquals("model is closed", e.getMessage());
  }

  // ---- closing

  @Test
  void everyCallAfterCloseSaysTheModelIsClosed() {
    AlibiLM lm = AlibiLM.load(dir);
    InferenceSession before = lm.newSession();
    before.append(new int[] {1, 2});
    lm.close();
    assertTrue(lm.isClosed());
    assertModelClosed(() -> lm.generate(new int[] {1}, greedy(3), null));
    assertModelClosed(() -> lm.logits(new int[] {1, 2}));
    assertModelClosed(lm::newSession);
    assertModelClosed(() -> before.append(new int[] {3}));
    assertModelClosed(() -> before.appendAll(new int[] {3, 4}));
    assertModelClosed(() -> lm.model().newSession());
    before.close();
    lm.close();
    assertEquals(32, lm.config().vocabSize(), "plain Java data stays readable");
  }

  @Test
  void threadsGeneratingWhileAnotherClosesEachCompleteOrFailClearly() throws Exception {
    for (int iteration = 0; iteration < 12; iteration++) {
      AlibiLM lm = AlibiLM.load(dir);
      int threads = 3;
      CountDownLatch running = new CountDownLatch(threads);
      ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      AtomicInteger completed = new AtomicInteger();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t + 1;
        workers.add(Thread.ofPlatform().start(() -> {
          try {
            while (true) {
              GenerationResult r = lm.generate(new int[] {first, 4}, greedy(40), (id, text) -> running.countDown());
              assertTrue(r.finishReason() == FinishReason.LENGTH || r.finishReason() == FinishReason.CANCELLED,
                  r.finishReason().toString());
              completed.incrementAndGet();
              lm.logits(new int[] {first, 5, 6});
            }
          } catch (IllegalStateException e) {
            if (!"model is closed".equals(e.getMessage())) {
              unexpected.add(e);
            }
          } catch (Throwable e) {
            unexpected.add(e);
          } finally {
            running.countDown();
          }
        }));
      }
      assertTrue(running.await(60, TimeUnit.SECONDS));
      lm.close();
      for (Thread w : workers) {
        w.join(60_000);
        assertFalse(w.isAlive());
      }
      assertTrue(unexpected.isEmpty(), "iteration " + iteration + ": " + unexpected);
    }
  }

  @Test
  void closeCancelsAGenerationInFlightWhichReturnsItsTokens() throws Exception {
    AlibiLM lm = AlibiLM.load(dir);
    CountDownLatch firstToken = new CountDownLatch(1);
    CompletableFuture<GenerationResult> running = CompletableFuture.supplyAsync(() ->
        lm.generate(new int[] {1, 2}, greedy(10_000), (id, text) -> {
          firstToken.countDown();
          while (!lm.isClosed()) {
            Thread.onSpinWait(); // hold the generation until close() has begun
          }
        }));
    assertTrue(firstToken.await(60, TimeUnit.SECONDS));
    lm.close(); // returns once the generation has ended and the memory is freed
    GenerationResult r = running.get(60, TimeUnit.SECONDS);
    assertEquals(FinishReason.CANCELLED, r.finishReason());
    assertEquals(1, r.generatedTokens());
  }

  @Test
  void closeFromTheTokenListenerEndsTheGenerationAndFreesAfterIt() {
    AlibiLM lm = AlibiLM.load(dir);
    int[] expected = lm.generate(new int[] {1, 2}, greedy(3), null).ids();
    AtomicInteger tokens = new AtomicInteger();
    GenerationResult r = lm.generate(new int[] {1, 2}, greedy(50), (id, text) -> {
      if (tokens.incrementAndGet() == 3) {
        lm.close(); // cannot wait for its own call
      }
    });
    assertEquals(FinishReason.CANCELLED, r.finishReason());
    assertArrayEquals(expected, r.ids());
    assertModelClosed(() -> lm.logits(new int[] {1}));
  }

  // ---- cancelling

  @Test
  void aCancellationFromAnotherThreadEndsTheGeneration() throws Exception {
    try (AlibiLM lm = AlibiLM.load(dir)) {
      Cancellation cancel = new Cancellation();
      CountDownLatch firstToken = new CountDownLatch(1);
      CountDownLatch cancelled = new CountDownLatch(1);
      CompletableFuture<GenerationResult> running = CompletableFuture.supplyAsync(() ->
          lm.generate(new int[] {1, 2}, greedy(10_000), (id, text) -> {
            firstToken.countDown();
            try {
              cancelled.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }, cancel));
      assertTrue(firstToken.await(60, TimeUnit.SECONDS));
      cancel.cancel();
      cancelled.countDown();
      GenerationResult r = running.get(60, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, r.finishReason());
      assertEquals(1, r.generatedTokens());
      assertEquals(5, lm.generate(new int[] {1, 2}, greedy(5), null).generatedTokens(), "the model stays usable");
    }
  }

  @Test
  void anInterruptedThreadLoadsTheModelAndItsGenerationIsCancelled() {
    Thread.currentThread().interrupt();
    try (AlibiLM lm = AlibiLM.load(dir)) {
      assertTrue(Thread.currentThread().isInterrupted(), "load sets the flag again");
      GenerationResult r = lm.generate(new int[] {1, 2}, greedy(5), null);
      assertEquals(FinishReason.CANCELLED, r.finishReason());
      assertEquals(0, r.generatedTokens());
      assertTrue(Thread.interrupted(), "generation keeps the flag");
      assertEquals(5, lm.generate(new int[] {1, 2}, greedy(5), null).generatedTokens());
    }
    Thread.currentThread().interrupt();
    try (AlibiLM lm = AlibiLM.load(dir.toString())) { // the hub-id path reads files too
      assertTrue(Thread.interrupted());
    }
  }

  // ---- limits

  @Test
  void theMaximumContextIsCheckedBeforeAnyWorkAndCanBeChanged() {
    try (AlibiLM lm = AlibiLM.load(dir)) {
      assertTrue(lm.maxContext() >= ContextLimit.FLOOR && lm.maxContext() <= ContextLimit.CAP, "" + lm.maxContext());
      lm.setMaxContext(8);
      assertEquals(8, lm.maxContext());
      assertMentions(assertThrows(IllegalArgumentException.class,
          () -> lm.generate(new int[] {1, 2, 3, 4, 5}, greedy(4), null)), "5 tokens", "4 new tokens", "= 9 tokens", "maximum context of 8");
      assertMentions(assertThrows(IllegalArgumentException.class,
          () -> lm.logits(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9})), "9 tokens", "maximum context of 8");
      try (InferenceSession session = lm.newSession()) {
        session.append(new int[] {1, 2, 3, 4, 5, 6, 7});
        session.append(new int[] {8});
        assertMentions(assertThrows(IllegalArgumentException.class, () -> session.append(new int[] {9})), "maximum context of 8");
      }
      assertEquals(4, lm.generate(new int[] {1, 2, 3, 4}, greedy(4), null).generatedTokens(), "the limit itself is fine");
      assertEquals(8, lm.logits(new int[] {1, 2, 3, 4, 5, 6, 7, 8}).length);
      assertThrows(IllegalArgumentException.class, () -> lm.setMaxContext(0));
    }
  }
}
