package dev.alibi4j.model.facade;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.generation.BatchScheduler;
import dev.alibi4j.engine.generation.FinishReason;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.LoadOptions;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Threads sharing one {@link AlibiLM}: their generations are batched and each gets its own output. */
class AlibiLMBatchingTest {

  @TempDir Path tmp;

  private static GenerationParams greedy(int maxNew) {
    return GenerationParams.builder().maxNewTokens(maxNew).build();
  }

  private static int[] prompt(int length, int salt) {
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = 1 + (i * 13 + salt * 7) % 30; // the tiny checkpoints have 32 tokens
    }
    return ids;
  }

  @Test
  void threadsGeneratingAtOnceGetTheOutputsTheyGetAloneAndAreBatched() throws Exception {
    Path dir = TinyCheckpoints.bloom().seed(5).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("b")).dir();
    for (WeightType type : new WeightType[] {WeightType.F32, WeightType.F16}) {
      try (AlibiLM lm = AlibiLM.load(dir, type)) {
        int n = 12;
        int[][] alone = new int[n][];
        for (int i = 0; i < n; i++) {
          alone[i] = lm.generate(prompt(1 + 23 * i, i), greedy(10 + i), null).ids();
        }
        BatchScheduler.Stats before = lm.scheduler().stats();
        ExecutorService threads = Executors.newFixedThreadPool(n);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<GenerationResult>> results = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          int request = i;
          results.add(threads.submit(() -> {
            start.await();
            return lm.generate(prompt(1 + 23 * request, request), greedy(10 + request), null);
          }));
        }
        start.countDown();
        for (int i = 0; i < n; i++) {
          assertArrayEquals(alone[i], results.get(i).get(60, TimeUnit.SECONDS).ids(), type + ", request " + i);
        }
        threads.shutdown();
        BatchScheduler.Stats work = lm.scheduler().stats().minus(before);
        assertTrue(work.meanBatch() > 2, type + ": sequences per decode pass " + work.meanBatch());
      }
    }
  }

  @Test
  void generateAsyncStreamsAndCloseCancelsWhatIsInFlight() throws Exception {
    Path dir = TinyCheckpoints.mpt().seed(6).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("m")).dir();
    AlibiLM lm = AlibiLM.load(dir);
    int[] expected = lm.generate(prompt(9, 1), greedy(12), null).ids();
    AtomicInteger streamed = new AtomicInteger();
    GenerationResult r = lm.generateAsync(prompt(9, 1), greedy(12), (id, text) -> streamed.incrementAndGet(), null)
        .get(60, TimeUnit.SECONDS);
    assertArrayEquals(expected, r.ids());
    assertEquals(12, streamed.get());

    CountDownLatch firstToken = new CountDownLatch(1);
    CompletableFuture<GenerationResult> long1 = lm.generateAsync(prompt(3, 2), greedy(100_000), (id, t) -> firstToken.countDown(), null);
    CompletableFuture<GenerationResult> long2 = lm.generateAsync(prompt(4, 3), greedy(100_000), null, null);
    assertTrue(firstToken.await(60, TimeUnit.SECONDS));
    lm.close();
    assertEquals(FinishReason.CANCELLED, long1.get(60, TimeUnit.SECONDS).finishReason());
    assertEquals(FinishReason.CANCELLED, long2.get(60, TimeUnit.SECONDS).finishReason());
    var e = assertThrows(IllegalStateException.class, () -> lm.generateAsync(prompt(2, 4), greedy(2), null, null));
    assertEquals("model is closed", e.getMessage());
  }

  @Test
  void theBatchingLimitsComeFromTheLoadOptions() throws Exception {
    Path dir = TinyCheckpoints.bloom().seed(7).config(c -> c.add("eos_token_id", null)).write(tmp.resolve("b")).dir();
    BatchScheduler.Limits limits = BatchScheduler.Limits.DEFAULT.withMaxSequences(1).withMaxQueued(0);
    try (AlibiLM lm = AlibiLM.load(dir, null, LoadOptions.DEFAULT.withBatching(limits))) {
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<GenerationResult> first = lm.generateAsync(prompt(2, 1), greedy(3), (id, t) -> {
        running.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
        }
      }, null);
      assertTrue(running.await(60, TimeUnit.SECONDS));
      var e = assertThrows(RejectedExecutionException.class, () -> lm.generate(prompt(2, 2), greedy(3), null));
      assertTrue(e.getMessage().contains("too many requests"), e.getMessage());
      release.countDown();
      assertEquals(3, first.get(60, TimeUnit.SECONDS).generatedTokens());
    }
  }
}
