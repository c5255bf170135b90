package dev.alibi4j.engine.generation;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.CloseGuard;
import dev.alibi4j.engine.InferenceSession;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * Continuous batching: one worker thread runs every request's generation, one step at a time.
 * A step cancels what was cancelled, prefills the next chunk of prompts that are joining, then
 * decodes one token for every running sequence in one batched pass ({@link
 * CausalLanguageModel#decodeBatch}), each weight read once for all of them. Requests join between
 * steps and leave as soon as they end, freeing their KV cache.
 *
 * <p>A request's output does not depend on what else runs: its prompt is always prefilled in the
 * same chunks ({@link Limits#prefillChunk()}), whatever the batch; the batched decode gives each
 * sequence the logits it would get alone, to the last bit; and its sampler has its own seed.
 *
 * <p>Limits ({@link Limits}): at most {@code maxSequences} run at once and their prompts plus
 * token budgets fit {@code kvBudgetTokens}; further requests wait in a queue of {@code
 * maxQueued}; past that {@link #submit} throws {@link RejectedExecutionException} at once.
 *
 * <p>Token listeners run on the worker thread, between steps: a slow listener slows every
 * request. An exception from a listener fails that request only.
 */
public final class BatchScheduler implements AutoCloseable {

  /**
   * @param maxSequences sequences decoded together at most (1 or more)
   * @param maxQueued requests waiting at most before {@link #submit} refuses more (0 or more)
   * @param kvBudgetTokens positions (prompt + maxNewTokens, summed over running requests) the KV
   *     caches may hold at once; 0 for the model's {@link CausalLanguageModel#maxContext()}
   * @param prefillChunk prompt tokens per forward pass; a step runs one chunk while other
   *     sequences decode, so that a long prompt does not stall them
   */
  public record Limits(int maxSequences, int maxQueued, long kvBudgetTokens, int prefillChunk) {

    /** 16 sequences, 256 queued, the model's maximum context as the KV budget, 64-token chunks. */
    public static final Limits DEFAULT = new Limits(16, 256, 0, 64);

    public Limits {
      if (maxSequences < 1) {
        throw new IllegalArgumentException("maxSequences must be >= 1, got " + maxSequences);
      }
      if (maxQueued < 0) {
        throw new IllegalArgumentException("maxQueued must be >= 0, got " + maxQueued);
      }
      if (kvBudgetTokens < 0) {
        throw new IllegalArgumentException("kvBudgetTokens must be >= 0 (0: the model's maximum context), got " + kvBudgetTokens);
      }
      if (prefillChunk < 1) {
        throw new IllegalArgumentException("prefillChunk must be >= 1, got " + prefillChunk);
      }
    }

    public Limits withMaxSequences(int n) {
      return new Limits(n, maxQueued, kvBudgetTokens, prefillChunk);
    }

    public Limits withMaxQueued(int n) {
      return new Limits(maxSequences, n, kvBudgetTokens, prefillChunk);
    }

    public Limits withKvBudgetTokens(long n) {
      return new Limits(maxSequences, maxQueued, n, prefillChunk);
    }

    public Limits withPrefillChunk(int n) {
      return new Limits(maxSequences, maxQueued, kvBudgetTokens, n);
    }
  }

  private final CausalLanguageModel model;
  private final Limits limits;
  /**
   * Work done since the scheduler started: batched decode passes, the tokens they produced and
   * the time they took; prefill chunks likewise. Decode tokens per second of decode time is
   * llama.cpp's {@code batched-bench} S_TG.
   */
  public record Stats(long decodeSteps, long decodeTokens, long decodeNanos, long prefillTokens, long prefillNanos) {

    /** The work between {@code earlier} and this. */
    public Stats minus(Stats earlier) {
      return new Stats(decodeSteps - earlier.decodeSteps, decodeTokens - earlier.decodeTokens,
          decodeNanos - earlier.decodeNanos, prefillTokens - earlier.prefillTokens, prefillNanos - earlier.prefillNanos);
    }

    /** Decode tokens per second of decode passes. */
    public double decodeTokensPerSecond() {
      return decodeNanos == 0 ? Double.NaN : decodeTokens * 1e9 / decodeNanos;
    }

    /** Mean sequences per decode pass. */
    public double meanBatch() {
      return decodeSteps == 0 ? Double.NaN : (double) decodeTokens / decodeSteps;
    }
  }

  private final CloseGuard guard; // held around each step; null for none
  private final java.util.concurrent.atomic.AtomicReference<Stats> stats =
      new java.util.concurrent.atomic.AtomicReference<>(new Stats(0, 0, 0, 0, 0));
  private final Object lock = new Object();
  private final ArrayDeque<Request> queue = new ArrayDeque<>(); // guarded by lock
  private final List<Request> running = new ArrayList<>(); // the worker's
  private long reserved; // positions reserved by running requests; guarded by lock
  private int runningCount; // guarded by lock
  private boolean shutdown; // guarded by lock
  private Thread worker; // guarded by lock
  private float[] logits = new float[0]; // [rows, vocab] of a decode pass
  private float[] row = new float[0]; // one of those rows, for the request's token choice

  /**
   * @param guard entered around each step (the owner's close then waits for the step, and the
   *     step's listeners may close the owner); null for none
   */
  public BatchScheduler(CausalLanguageModel model, Limits limits, CloseGuard guard) {
    this.model = model;
    this.limits = limits;
    this.guard = guard;
  }

  /** The limits in force. */
  public Limits limits() {
    return limits;
  }

  /** Work done so far (see {@link Stats}). */
  public Stats stats() {
    return stats.get();
  }

  private void count(long decodeSteps, long decodeTokens, long decodeNanos, long prefillTokens, long prefillNanos) {
    stats.updateAndGet(t -> new Stats(t.decodeSteps + decodeSteps, t.decodeTokens + decodeTokens,
        t.decodeNanos + decodeNanos, t.prefillTokens + prefillTokens, t.prefillNanos + prefillNanos));
  }

  /** Requests waiting to start. */
  public int queued() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Requests running (prefilling or decoding). */
  public int running() {
    synchronized (lock) {
      return runningCount;
    }
  }

  /**
   * Queues a generation. The returned future completes with the result (finish reason {@code
   * CANCELLED} when {@code cancellation} was cancelled or the scheduler closed), or
   * exceptionally when the model or the listener failed. Cancelling the future cancels the
   * request.
   *
   * @param decoder incremental detokenizer, or null for ids only
   * @param listener called per token on the worker thread, or null
   * @param cancellation ends the request before its next step once cancelled; null for none
   * @throws IllegalArgumentException for a bad prompt or one too long, before any work
   * @throws RejectedExecutionException when the queue is full
   * @throws IllegalStateException when the scheduler is closed
   */
  public CompletableFuture<GenerationResult> submit(
      int[] promptIds, GenerationParams params, TextDecoder decoder, TokenListener listener,
      Cancellation cancellation) {
    GenerationRun run = new GenerationRun(promptIds, params, decoder, listener, model.vocabSize(), model.maxContext());
    Request request = new Request(run, cancellation == null ? new Cancellation() : cancellation);
    synchronized (lock) {
      if (shutdown) {
        throw new IllegalStateException("the batch scheduler is closed");
      }
      long budget = budget();
      if (run.maxLength() > budget) {
        throw new IllegalArgumentException("a prompt of " + promptIds.length + " tokens + "
            + params.maxNewTokens() + " new tokens needs " + run.maxLength()
            + " cache positions, more than the KV budget of " + budget + " for all requests together");
      }
      if (queue.size() >= limits.maxQueued() && !(queue.isEmpty() && canAdmit(run))) {
        throw new RejectedExecutionException("too many requests: " + queue.size() + " waiting and "
            + runningCount + " running (limits: " + limits.maxSequences() + " running, "
            + limits.maxQueued() + " waiting); retry later");
      }
      queue.add(request);
      if (worker == null) {
        worker = Thread.ofPlatform().daemon().name("alibi4j-batch").start(this::work);
      }
      lock.notifyAll();
    }
    return request.future;
  }

  /**
   * {@link #submit} and wait. Interrupting the calling thread cancels the request: the result
   * then has finish reason {@code CANCELLED} and the interrupt flag stays set.
   *
   * @throws IllegalStateException when the model returned NaN logits (or failed otherwise), or
   *     when called from a token listener (use {@link #submit} there)
   */
  public GenerationResult generate(
      int[] promptIds, GenerationParams params, TextDecoder decoder, TokenListener listener,
      Cancellation cancellation) {
    synchronized (lock) {
      if (Thread.currentThread() == worker) {
        // The worker would wait for itself: only it completes requests.
        throw new IllegalStateException(
            "generate was called from a token listener, which runs on the scheduler's thread; use submit there");
      }
    }
    Cancellation own = Cancellation.anyOf(cancellation);
    CompletableFuture<GenerationResult> future = submit(promptIds, params, decoder, listener, own);
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return future.get();
        } catch (InterruptedException e) {
          interrupted = true;
          own.cancel(); // and wait for the worker to end it
        } catch (ExecutionException e) {
          throw rethrow(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    if (cause instanceof RuntimeException r) {
      throw r;
    }
    if (cause instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(cause.getMessage(), cause);
  }

  /**
   * Cancels every request (each completes with {@code CANCELLED}), refuses new ones and waits for
   * the worker to end, unless called from the worker itself (a listener).
   */
  @Override
  public void close() {
    Thread w;
    synchronized (lock) {
      shutdown = true;
      w = worker;
      lock.notifyAll();
    }
    if (w != null && w != Thread.currentThread()) {
      boolean interrupted = false;
      while (w.isAlive()) {
        try {
          w.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private long budget() {
    return limits.kvBudgetTokens() > 0 ? limits.kvBudgetTokens() : model.maxContext();
  }

  private boolean canAdmit(GenerationRun run) {
    return runningCount < limits.maxSequences() && reserved + run.maxLength() <= budget();
  }

  private void work() {
    while (true) {
      boolean stopping;
      List<Request> waiting = List.of();
      List<Request> dropped = List.of();
      synchronized (lock) {
        while (!shutdown && queue.isEmpty() && running.isEmpty()) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            // only close() ends the worker
          }
        }
        if (running.isEmpty() && !shutdown) {
          gatherBurst();
        }
        stopping = shutdown;
        if (stopping) {
          waiting = List.copyOf(queue); // cancelled below, with the running ones
          queue.clear();
        } else {
          dropped = dropCancelled();
          while (!queue.isEmpty() && canAdmit(queue.peek().run)) {
            Request r = queue.poll();
            reserved += r.run.maxLength();
            runningCount++;
            running.add(r);
          }
        }
      }
      for (Request r : dropped) {
        complete(r); // outside the lock: the result may call the listener
      }
      if (stopping) {
        for (Request r : List.copyOf(running)) {
          finish(r);
        }
        for (Request r : waiting) {
          complete(r);
        }
        return;
      }
      try {
        step();
      } catch (RuntimeException | Error e) {
        // A bug or an exhausted JVM: fail what runs rather than leave its callers waiting forever.
        List.copyOf(running).forEach(r -> fail(r, e));
      }
    }
  }

  /**
   * After the first request of an idle spell, keeps the lock's door open while requests keep
   * arriving (each within {@link #GATHER_QUIET_MILLIS} of the last, for at most {@link
   * #GATHER_MAX_MILLIS}), so that requests sent together (a burst from many threads) start
   * together: their prompts are then prefilled before any of them decodes, instead of each
   * joining one step later and holding up the ones already decoding. Lock held.
   */
  private void gatherBurst() {
    long deadline = System.nanoTime() + GATHER_MAX_MILLIS * 1_000_000L;
    int seen = queue.size();
    while (!shutdown && System.nanoTime() < deadline) {
      try {
        lock.wait(GATHER_QUIET_MILLIS);
      } catch (InterruptedException e) {
        return;
      }
      if (queue.size() == seen) {
        return; // a quiet moment: the burst is over
      }
      seen = queue.size();
    }
  }

  /** A pause this long with no new request ends a burst; see {@link #gatherBurst}. */
  static final long GATHER_QUIET_MILLIS = 2;

  /** The longest an idle scheduler waits for a burst to end; see {@link #gatherBurst}. */
  static final long GATHER_MAX_MILLIS = 20;

  /** One step: cancellations, one prefill chunk (or all of them when nothing decodes), a decode. */
  private void step() {
    boolean entered = enterGuard();
    try {
      if (!entered) {
        List.copyOf(running).forEach(this::finish);
        return;
      }
      prefill();
      decode();
    } finally {
      if (entered && guard != null) {
        guard.exit();
      }
    }
  }

  private boolean enterGuard() {
    if (guard == null) {
      return true;
    }
    try {
      guard.enter();
      return true;
    } catch (IllegalStateException closed) {
      return false; // the owner is closing: everything is cancelled, nothing touches the model
    }
  }

  private void prefill() {
    boolean othersDecode = running.stream().anyMatch(Request::decoding);
    for (Request r : List.copyOf(running)) {
      if (r.decoding() || endIfCancelled(r)) {
        continue;
      }
      try {
        if (r.session == null) {
          r.session = model.newSession();
        }
        int[] prompt = r.run.prompt();
        int end = Math.min(prompt.length, r.prefilled + limits.prefillChunk());
        int[] chunk = Arrays.copyOfRange(prompt, r.prefilled, end);
        long start = System.nanoTime();
        float[] last = null; // logits only after the prompt's last chunk
        if (end < prompt.length) {
          r.session.prefill(chunk);
        } else {
          last = r.session.append(chunk);
        }
        long nanos = System.nanoTime() - start;
        r.run.addPrefillNanos(nanos);
        count(0, 0, 0, chunk.length, nanos);
        r.prefilled = end;
        if (last != null) {
          take(r, last);
        }
      } catch (RuntimeException | Error e) {
        fail(r, e);
      }
      if (othersDecode) {
        return; // one chunk a step: the running sequences wait for no more than that
      }
    }
  }

  private void decode() {
    // Checked right before the pass, as a lone generation checks before each of its passes.
    List<Request> rows = List.copyOf(running).stream().filter(r -> r.decoding() && !endIfCancelled(r)).toList();
    if (rows.isEmpty()) {
      return;
    }
    int vocab = model.vocabSize();
    if (logits.length < rows.size() * vocab) {
      logits = new float[rows.size() * vocab];
    }
    InferenceSession[] sessions = new InferenceSession[rows.size()];
    int[] ids = new int[rows.size()];
    for (int i = 0; i < sessions.length; i++) {
      sessions[i] = rows.get(i).session;
      ids[i] = rows.get(i).next;
    }
    long start = System.nanoTime();
    try {
      model.decodeBatch(sessions, ids, logits);
    } catch (RuntimeException | Error e) {
      rows.forEach(r -> fail(r, e));
      return;
    }
    long nanos = System.nanoTime() - start;
    count(1, sessions.length, nanos, 0, 0);
    if (row.length != vocab) {
      row = new float[vocab];
    }
    for (int i = 0; i < sessions.length; i++) {
      Request r = rows.get(i);
      r.run.addDecodeNanos(nanos);
      System.arraycopy(logits, i * vocab, row, 0, vocab); // one buffer: the run keeps no reference
      take(r, row);
    }
  }

  /**
   * Takes the cancelled requests out of the queue (a client that left must not hold a place in
   * it, nor make others wait behind it); the caller completes them. Holds the lock.
   */
  private List<Request> dropCancelled() {
    List<Request> dropped = null;
    for (var it = queue.iterator(); it.hasNext(); ) {
      Request r = it.next();
      if (r.cancellation.isCancelled() || r.future.isDone()) {
        it.remove();
        if (dropped == null) {
          dropped = new ArrayList<>();
        }
        dropped.add(r);
      }
    }
    return dropped == null ? List.of() : dropped;
  }

  /** Ends {@code r} if it was cancelled (or its future was); whether it was. */
  private boolean endIfCancelled(Request r) {
    if (r.cancellation.isCancelled() || r.future.isDone()) {
      finish(r);
      return true;
    }
    return false;
  }

  /** Picks {@code r}'s next token from its logits; ends it when it is done. */
  private void take(Request r, float[] rowLogits) {
    try {
      r.next = r.run.accept(rowLogits);
    } catch (RuntimeException | Error e) {
      fail(r, e);
      return;
    }
    if (r.next < 0) {
      finish(r);
    }
  }

  /** Frees {@code r}'s cache, then completes its future: a caller that sees the result sees the memory freed. */
  private void finish(Request r) {
    try {
      release(r);
    } finally {
      complete(r);
    }
  }

  private static void complete(Request r) {
    try {
      r.future.complete(r.run.result());
    } catch (RuntimeException | Error e) {
      r.future.completeExceptionally(e);
    }
  }

  private void fail(Request r, Throwable e) {
    r.run.cancel();
    try {
      release(r);
    } finally {
      r.future.completeExceptionally(e);
    }
  }

  private void release(Request r) {
    if (!running.remove(r)) {
      return;
    }
    if (r.session != null) {
      try {
        r.session.close();
      } catch (RuntimeException e) {
        // the model is closing: it frees the cache itself
      }
      r.session = null;
    }
    synchronized (lock) {
      reserved -= r.run.maxLength();
      runningCount--;
    }
  }

  private static final class Request {
    final GenerationRun run;
    final Cancellation cancellation;
    final CompletableFuture<GenerationResult> future = new CompletableFuture<>();
    InferenceSession session;
    int prefilled;
    int next = -1; // the token to feed next; -1 until the prompt is prefilled

    Request(GenerationRun run, Cancellation cancellation) {
      this.run = run;
      this.cancellation = cancellation;
    }

    boolean decoding() {
      return next >= 0;
    }
  }
}
