package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.TestConfigs;
import dev.alibi4j.engine.tensor.WeightType;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Continuous batching: outputs independent of the batch, limits, cancellation, clean shutdown. */
class BatchSchedulerTest {

  private static final int[] PROMPT_LENGTHS = {1, 2, 17, 64, 65, 130, 700, 2000};
  private static final int[] MAX_NEW = {24, 5, 40, 12, 30, 8, 20, 16};

  static Stream<Arguments> models() {
    return Stream.of(
        Arguments.of("bloom 5 heads, f32", TestConfigs.bloom(5, 8, false), WeightType.F32),
        Arguments.of("mpt 7 heads, f16", TestConfigs.mpt(7, 8, 8, Double.NaN, 1 / Math.sqrt(8), 1), WeightType.F16),
        Arguments.of("bloom 4 heads, residual post-LN, q8_0", TestConfigs.bloom(4, 8, true), WeightType.Q8_0));
  }

  private static int[] prompt(int length, int vocab, long seed) {
    Random random = new Random(seed);
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = random.nextInt(vocab);
    }
    return ids;
  }

  private static GenerationParams greedy(int maxNew) {
    return GenerationParams.builder().maxNewTokens(maxNew).build();
  }

  /** Sampled, and with log-probabilities, which must come out of the batch as they do alone. */
  private static GenerationParams sampled(int maxNew, long seed) {
    return GenerationParams.builder().maxNewTokens(maxNew).temperature(0.9).topP(0.95).seed(seed).logprobs(2).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("models")
  void everyRequestInABatchGetsItsAloneOutputWhateverJoinsOrLeaves(String name, TransformerConfig config, WeightType type)
      throws Exception {
    RandomModel.Pair pair = RandomModel.create(config, 71, true, type);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT, null)) {
      int n = PROMPT_LENGTHS.length;
      int[][] prompts = new int[n][];
      GenerationParams[] params = new GenerationParams[n];
      int[][] alone = new int[n][];
      List<List<TokenLogprob>> aloneLogprobs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        prompts[i] = prompt(PROMPT_LENGTHS[i], config.vocabSize(), i);
        params[i] = i % 2 == 0 ? greedy(MAX_NEW[i]) : sampled(MAX_NEW[i], 1000 + i);
        GenerationResult single = scheduler.generate(prompts[i], params[i], null, null, null);
        alone[i] = single.ids();
        aloneLogprobs.add(single.logprobs());
        assertEquals(MAX_NEW[i], alone[i].length);
      }
      // Half arrive together; the others join while those decode, in reverse order.
      List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(null);
      }
      CountDownLatch decoding = new CountDownLatch(1);
      for (int i = 0; i < n / 2; i++) {
        TokenListener signal = i == 0 ? (id, text) -> decoding.countDown() : null;
        futures.set(i, scheduler.submit(prompts[i], params[i], null, signal, null));
      }
      assertTrue(decoding.await(60, TimeUnit.SECONDS));
      for (int i = n - 1; i >= n / 2; i--) {
        futures.set(i, scheduler.submit(prompts[i], params[i], null, null, null));
        Thread.sleep(3);
      }
      for (int i = 0; i < n; i++) {
        GenerationResult r = futures.get(i).get(120, TimeUnit.SECONDS);
        assertArrayEquals(alone[i], r.ids(), name + ": request " + i + " (prompt of " + PROMPT_LENGTHS[i] + ")");
        assertEquals(aloneLogprobs.get(i).size(), r.logprobs().size(), name + ": logprobs of request " + i);
        for (int t = 0; t < r.logprobs().size(); t++) {
          TokenLogprob a = aloneLogprobs.get(i).get(t);
          TokenLogprob b = r.logprobs().get(t);
          assertEquals(a.logprob(), b.logprob(), 0.0, name + ": request " + i + " token " + t);
          assertArrayEquals(a.topIds(), b.topIds(), name + ": request " + i + " token " + t);
          assertArrayEquals(a.topLogprobs(), b.topLogprobs(), 0.0, name + ": request " + i + " token " + t);
        }
        assertEquals(FinishReason.LENGTH, r.finishReason());
      }
    }
  }

  @Test
  void aCancelledRequestLeavesTheQueueAtOnceAndFreesItsPlace() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 73, true);
    BatchScheduler.Limits limits = BatchScheduler.Limits.DEFAULT.withMaxSequences(1).withMaxQueued(2);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, limits, null)) {
      // A long request, slowed a little per token, holds the only place in the batch.
      Cancellation longOne = new Cancellation();
      TokenListener slow = (id, text) -> {
        try {
          Thread.sleep(2);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      CompletableFuture<GenerationResult> running = scheduler.submit(new int[] {1, 2}, greedy(100_000), null, slow, longOne);
      waitFor(() -> scheduler.running() == 1);
      Cancellation leaving = new Cancellation();
      CompletableFuture<GenerationResult> queued = scheduler.submit(new int[] {3}, greedy(3), null, null, leaving);
      CompletableFuture<GenerationResult> other = scheduler.submit(new int[] {4}, greedy(3), null, null, null);
      assertEquals(2, scheduler.queued());
      assertThrows(RejectedExecutionException.class, () -> scheduler.submit(new int[] {5}, greedy(3), null, null, null));

      leaving.cancel();
      GenerationResult left = queued.get(30, TimeUnit.SECONDS); // long before the running one ends
      assertEquals(FinishReason.CANCELLED, left.finishReason());
      assertEquals(0, left.generatedTokens());
      assertFalse(running.isDone(), "the queue was purged while the long request still ran");
      assertEquals(1, scheduler.queued());
      CompletableFuture<GenerationResult> newcomer = scheduler.submit(new int[] {6}, greedy(3), null, null, null);

      longOne.cancel();
      assertEquals(FinishReason.CANCELLED, running.get(30, TimeUnit.SECONDS).finishReason());
      assertEquals(3, other.get(30, TimeUnit.SECONDS).generatedTokens());
      assertEquals(3, newcomer.get(30, TimeUnit.SECONDS).generatedTokens());
    }
  }

  @Test
  void theLimitsHoldAndAFullQueueIsRefusedAtOnce() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 72, true);
    BatchScheduler.Limits limits = BatchScheduler.Limits.DEFAULT.withMaxSequences(2).withMaxQueued(2);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, limits, null)) {
      AtomicInteger mostRunning = new AtomicInteger();
      CountDownLatch release = new CountDownLatch(1);
      TokenListener hold = (id, text) -> {
        mostRunning.accumulateAndGet(scheduler.running(), Math::max);
        try {
          release.await(60, TimeUnit.SECONDS); // keeps the worker inside the step
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
      List<CompletableFuture<GenerationResult>> accepted = new ArrayList<>();
      accepted.add(scheduler.submit(new int[] {1, 2}, greedy(3), null, hold, null));
      waitFor(() -> scheduler.running() == 1);
      accepted.add(scheduler.submit(new int[] {3}, greedy(3), null, hold, null));
      accepted.add(scheduler.submit(new int[] {4}, greedy(3), null, hold, null));
      // The worker is held inside a step: one running, two waiting; the queue is full.
      var e = assertThrows(RejectedExecutionException.class,
          () -> scheduler.submit(new int[] {6}, greedy(3), null, null, null));
      assertTrue(e.getMessage().contains("too many requests") && e.getMessage().contains("2 waiting"), e.getMessage());
      release.countDown();
      for (var f : accepted) {
        assertEquals(3, f.get(60, TimeUnit.SECONDS).generatedTokens());
      }
      assertTrue(mostRunning.get() <= 2, "running at once: " + mostRunning.get());
    }
  }

  @Test
  void theKvBudgetBoundsTheRunningRequests() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 73, true);
    BatchScheduler.Limits limits = BatchScheduler.Limits.DEFAULT.withKvBudgetTokens(50);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, limits, null)) {
      var tooBig = assertThrows(IllegalArgumentException.class,
          () -> scheduler.submit(prompt(40, config.vocabSize(), 1), greedy(20), null, null, null));
      assertTrue(tooBig.getMessage().contains("KV budget of 50"), tooBig.getMessage());
      AtomicInteger mostRunning = new AtomicInteger();
      TokenListener watch = (id, text) -> mostRunning.accumulateAndGet(scheduler.running(), Math::max);
      var a = scheduler.submit(prompt(20, config.vocabSize(), 2), greedy(10), null, watch, null);
      var b = scheduler.submit(prompt(20, config.vocabSize(), 3), greedy(10), null, watch, null);
      assertEquals(10, a.get(60, TimeUnit.SECONDS).generatedTokens());
      assertEquals(10, b.get(60, TimeUnit.SECONDS).generatedTokens());
      assertEquals(1, mostRunning.get(), "two requests of 30 positions each do not fit a budget of 50 together");
    }
  }

  @Test
  void cancellingOneRequestLeavesTheOthersAlone() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 74, true);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT, null)) {
      int[] expected = scheduler.generate(new int[] {1, 2, 3}, greedy(30), null, null, null).ids();
      Cancellation cancel = new Cancellation();
      CountDownLatch started = new CountDownLatch(3);
      var cancelled = scheduler.submit(new int[] {4, 5}, greedy(100_000), null, (id, t) -> started.countDown(), cancel);
      var abandoned = scheduler.submit(new int[] {6}, greedy(100_000), null, null, null);
      var kept = scheduler.submit(new int[] {1, 2, 3}, greedy(30), null, null, null);
      assertTrue(started.await(60, TimeUnit.SECONDS));
      cancel.cancel();
      abandoned.cancel(true);
      GenerationResult r = cancelled.get(60, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, r.finishReason());
      assertTrue(r.generatedTokens() >= 3 && r.generatedTokens() < 100_000);
      assertThrows(CancellationException.class, abandoned::join);
      assertArrayEquals(expected, kept.get(60, TimeUnit.SECONDS).ids());
      waitFor(() -> scheduler.running() == 0);
    }
  }

  @Test
  void aFailingListenerFailsItsRequestOnly() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 75, true);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT, null)) {
      var failing = scheduler.submit(new int[] {1}, greedy(20), null, (id, t) -> {
        throw new IllegalStateException("client went away");
      }, null);
      var fine = scheduler.submit(new int[] {2}, greedy(20), null, null, null);
      var e = assertThrows(ExecutionException.class, () -> failing.get(60, TimeUnit.SECONDS));
      assertEquals("client went away", e.getCause().getMessage());
      assertEquals(20, fine.get(60, TimeUnit.SECONDS).generatedTokens());
    }
  }

  @Test
  void aListenerCallingGenerateIsRefusedInsteadOfDeadlocking() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 79, true);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT, null)) {
      var f = scheduler.submit(new int[] {1}, greedy(3), null,
          (id, t) -> scheduler.generate(new int[] {2}, greedy(2), null, null, null), null);
      var e = assertThrows(ExecutionException.class, () -> f.get(60, TimeUnit.SECONDS));
      assertTrue(e.getCause().getMessage().contains("token listener"), e.getCause().getMessage());
      assertEquals(2, scheduler.generate(new int[] {2}, greedy(2), null, null, null).generatedTokens());
    }
  }

  @Test
  void closeCancelsRunningAndQueuedRequestsAndRefusesNewOnes() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 76, true);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights())) {
      BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT.withMaxSequences(1), null);
      CountDownLatch started = new CountDownLatch(1);
      var running = scheduler.submit(new int[] {1}, greedy(100_000), null, (id, t) -> started.countDown(), null);
      var queued = scheduler.submit(new int[] {2}, greedy(10), null, null, null);
      assertTrue(started.await(60, TimeUnit.SECONDS));
      scheduler.close();
      assertEquals(FinishReason.CANCELLED, running.get(60, TimeUnit.SECONDS).finishReason());
      GenerationResult q = queued.get(60, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, q.finishReason());
      assertEquals(0, q.generatedTokens());
      var e = assertThrows(IllegalStateException.class, () -> scheduler.submit(new int[] {1}, greedy(1), null, null, null));
      assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }
  }

  @Test
  void anInterruptedCallerGetsCancelledWithItsFlagKept() throws Exception {
    TransformerConfig config = TestConfigs.bloom(2, 4, false);
    RandomModel.Pair pair = RandomModel.create(config, 77, true);
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT, null)) {
      CompletableFuture<Object[]> outcome = new CompletableFuture<>();
      Thread caller = new Thread(() -> {
        GenerationResult r = scheduler.generate(new int[] {1}, greedy(100_000), null, null, null);
        outcome.complete(new Object[] {r, Thread.currentThread().isInterrupted()});
      });
      caller.start();
      waitFor(() -> scheduler.running() == 1);
      caller.interrupt();
      Object[] o = outcome.get(60, TimeUnit.SECONDS);
      assertEquals(FinishReason.CANCELLED, ((GenerationResult) o[0]).finishReason());
      assertEquals(true, o[1], "the interrupt flag stays set");
    }
  }

  /**
   * A soak: 2,000 requests from 32 threads, random lengths, random cancellations. Every request completes or
   * is cancelled, nothing is left running, and the native arrays alive return to their count
   * before the requests.
   */
  @Test
  void manyThreadsWithRandomLengthsAndCancellationsLeaveNothingBehind() throws Exception {
    TransformerConfig config = TestConfigs.mpt(3, 8, 8, Double.NaN, 0.35, 1);
    RandomModel.Pair pair = RandomModel.create(config, 78, false);
    BaseNDManager manager = (BaseNDManager) pair.weights().manager();
    try (AlibiTransformer model = new AlibiTransformer(config, pair.weights());
        BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT.withMaxQueued(2000), null)) {
      scheduler.generate(new int[] {1, 2}, greedy(70), null, null, null); // past the cache's first growth
      int before = manager.getManagedArrays().size();
      ExecutorService threads = Executors.newFixedThreadPool(32);
      List<Future<FinishReason>> outcomes = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        long seed = i;
        outcomes.add(threads.submit(() -> {
          Random random = new Random(seed);
          Cancellation cancel = new Cancellation();
          int[] p = prompt(1 + random.nextInt(150), config.vocabSize(), seed);
          var f = scheduler.submit(p, greedy(1 + random.nextInt(40)), null, null, cancel);
          if (random.nextInt(4) == 0) {
            Thread.sleep(random.nextInt(5));
            cancel.cancel();
          }
          return f.get(120, TimeUnit.SECONDS).finishReason();
        }));
      }
      int lengths = 0;
      for (var o : outcomes) {
        FinishReason r = o.get(180, TimeUnit.SECONDS);
        assertTrue(r == FinishReason.LENGTH || r == FinishReason.CANCELLED, r.toString());
        lengths += r == FinishReason.LENGTH ? 1 : 0;
      }
      threads.shutdown();
      assertTrue(lengths >= 1200, "completed: " + lengths);
      waitFor(() -> scheduler.running() == 0 && scheduler.queued() == 0);
      assertEquals(before, manager.getManagedArrays().size(), "native arrays alive after 2000 requests");
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out");
      Thread.sleep(1);
    }
  }
}
