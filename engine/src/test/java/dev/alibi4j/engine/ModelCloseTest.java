package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.TestConfigs;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Closing an {@link AlibiTransformer} while other threads use it: without the guard the weights
 * were freed under a running forward pass and libtorch crashed the JVM.
 */
class ModelCloseTest {

  private static final TransformerConfig CONFIG = TestConfigs.bloom(2, 4, false);

  private static AlibiTransformer newModel(long seed) {
    return new AlibiTransformer(CONFIG, RandomModel.create(CONFIG, seed, true).weights());
  }

  private static void assertClosed(Executable call) {
    IllegalStateException e = assertThrows(IllegalStateException.class, call);
    assertEquals("model is closed", e.getMessage());
  }

  @Test
  void everyCallAfterCloseFailsClearlyIncludingOnSessionsMadeBefore() {
    AlibiTransformer model = newModel(1);
    InferenceSession decoding = model.newSession();
    decoding.append(new int[] {1, 2, 3});
    decoding.append(new int[] {4});
    InferenceSession fresh = model.newSession();
    model.close();

    assertClosed(model::newSession);
    assertClosed(() -> decoding.append(new int[] {5})); // the Java decode path
    assertClosed(() -> decoding.append(new int[] {5, 6})); // the libtorch path
    assertClosed(() -> fresh.appendAll(new int[] {1, 2}));
    try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
      assertClosed(() -> model.forwardFull(manager.create(new long[] {1, 2}).reshape(1, 2)));
    }
    assertEquals(4, decoding.length(), "plain Java state stays readable");
    decoding.close(); // its cache went with the model: nothing to free twice
    fresh.close();
    model.close(); // idempotent
  }

  @Test
  void threadsDecodingWhileAnotherClosesEitherCompleteOrFailClearly() throws Exception {
    for (int iteration = 0; iteration < 25; iteration++) {
      AlibiTransformer model = newModel(iteration);
      int threads = 3;
      CountDownLatch working = new CountDownLatch(threads);
      ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
      AtomicInteger refused = new AtomicInteger();
      List<Thread> workers = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        InferenceSession early = model.newSession(); // made before close, used after
        workers.add(Thread.ofPlatform().start(() -> {
          try {
            decodeUntilClosed(model, early, seed, working);
          } catch (IllegalStateException e) {
            if ("model is closed".equals(e.getMessage())) {
              refused.incrementAndGet();
            } else {
              unexpected.add(e);
            }
          } catch (Throwable e) {
            unexpected.add(e);
          } finally {
            working.countDown(); // a thread that failed early must not hang the test
            early.close();
          }
        }));
      }
      assertTrue(working.await(60, TimeUnit.SECONDS));
      model.close();
      for (Thread w : workers) {
        w.join(60_000);
      }
      assertTrue(unexpected.isEmpty(), "iteration " + iteration + ": " + unexpected);
      assertEquals(threads, refused.get(), "every worker ends on 'model is closed'");
    }
  }

  /** Decodes in fresh sessions and in {@code early} until a call says the model is closed. */
  private static void decodeUntilClosed(
      AlibiTransformer model, InferenceSession early, int seed, CountDownLatch working) {
    early.append(new int[] {seed + 1, 2});
    working.countDown();
    for (int round = 0; ; round++) {
      early.append(new int[] {(round + seed) % CONFIG.vocabSize()});
      try (InferenceSession session = model.newSession()) {
        session.append(new int[] {1, 2, 3, seed});
        for (int step = 0; step < 5; step++) {
          session.append(new int[] {(7 * step + round) % CONFIG.vocabSize()});
        }
        session.appendAll(new int[] {5, 6});
      }
    }
  }
}
