package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Interrupts and {@link Cancellation} end a generation between steps with CANCELLED. */
class GeneratorCancellationTest {

  private final Generator generator = new Generator();

  private static GenerationParams greedy(int maxNewTokens) {
    return GenerationParams.builder().maxNewTokens(maxNewTokens).build();
  }

  /** Greedy follows 1, 2, 3, … (append k favours token k + 1). */
  private static FakeModel counting() {
    return FakeModel.script(10, 1, 2, 3, 4, 5, 6, 7, 8, 9);
  }

  @AfterEach
  void clearInterrupt() {
    Thread.interrupted(); // never leak a flag into the next test
  }

  @Test
  void aPendingInterruptCancelsBeforeThePrefillAndStaysSet() {
    FakeModel model = counting();
    Thread.currentThread().interrupt();
    GenerationResult r = generator.generate(model, new int[] {0}, greedy(5), null, null);
    assertTrue(Thread.currentThread().isInterrupted(), "the interrupt flag must stay set");
    assertEquals(FinishReason.CANCELLED, r.finishReason());
    assertEquals(0, r.generatedTokens());
    assertEquals(0, model.appendCalls(), "no forward pass after the interrupt");
    assertEquals(model.opened, model.closed);
  }

  @Test
  void interruptingTheGeneratingThreadEndsItAfterTheCurrentToken() {
    FakeModel model = counting();
    RecordingListener listener = new RecordingListener();
    TokenListener interruptAtThird = (id, text) -> {
      listener.onToken(id, text);
      if (listener.ids.size() == 3) {
        Thread.currentThread().interrupt();
      }
    };
    GenerationResult r = generator.generate(model, new int[] {0}, greedy(8), null, interruptAtThird);
    assertTrue(Thread.interrupted(), "the interrupt flag must stay set");
    assertEquals(FinishReason.CANCELLED, r.finishReason());
    assertArrayEquals(new int[] {1, 2, 3}, r.ids());
    assertEquals(3, model.appendCalls(), "prefill and two decode steps; none after the interrupt");
    assertEquals(1, model.closed);
  }

  @Test
  void aCancelledHandleEndsTheGenerationAndPiecesStillAddUpToTheText() {
    FakeModel model = counting();
    Cancellation cancel = new Cancellation();
    RecordingListener listener = new RecordingListener();
    TokenListener cancelAtSecond = (id, text) -> {
      listener.onToken(id, text);
      if (listener.ids.size() == 2) {
        cancel.cancel();
      }
    };
    FakeDecoder decoder = new FakeDecoder("~", "a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
    GenerationResult r = generator.generate(model, new int[] {0}, greedy(8), decoder, cancelAtSecond, cancel);
    assertFalse(Thread.currentThread().isInterrupted());
    assertEquals(FinishReason.CANCELLED, r.finishReason());
    assertArrayEquals(new int[] {1, 2}, r.ids());
    assertEquals("bc~", r.text(), "held-back text is flushed as at any other end");
    assertEquals(r.text(), listener.joined());
  }

  @Test
  void anotherThreadCancelsAGenerationInFlight() throws Exception {
    CountDownLatch firstToken = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Cancellation cancel = new Cancellation();
    FakeModel model = FakeModel.flat(4);
    TokenListener waitForCancel = (id, text) -> {
      firstToken.countDown();
      await(cancelled);
    };
    CompletableFuture<GenerationResult> running = CompletableFuture.supplyAsync(
        () -> generator.generate(model, new int[] {1}, greedy(1000), null, waitForCancel, cancel));
    assertTrue(firstToken.await(30, TimeUnit.SECONDS));
    cancel.cancel();
    cancelled.countDown();
    GenerationResult r = running.get(30, TimeUnit.SECONDS);
    assertEquals(FinishReason.CANCELLED, r.finishReason());
    assertEquals(1, r.generatedTokens());
  }

  @Test
  void lengthWinsOverACancelThatComesWithTheLastToken() {
    Cancellation cancel = new Cancellation();
    GenerationResult r = generator.generate(counting(), new int[] {0}, greedy(2), null,
        (id, text) -> {
          if (id == 2) {
            cancel.cancel();
          }
        }, cancel);
    assertEquals(FinishReason.LENGTH, r.finishReason());
    assertEquals(2, r.generatedTokens());
  }

  @Test
  void anyOfIsCancelledByEitherHandleAndCancelsNeither() {
    Cancellation a = new Cancellation();
    Cancellation b = new Cancellation();
    Cancellation either = Cancellation.anyOf(a, null, b);
    assertFalse(either.isCancelled());
    b.cancel();
    assertTrue(either.isCancelled());
    assertFalse(a.isCancelled());

    Cancellation c = new Cancellation();
    Cancellation own = Cancellation.anyOf(c);
    own.cancel();
    assertTrue(own.isCancelled());
    assertFalse(c.isCancelled(), "cancelling the combined handle leaves its sources alone");
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
