package dev.alibi4j.engine.eval;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.InferenceSession;
import java.util.Arrays;
import java.util.function.IntConsumer;

/**
 * {@link WindowedPerplexity} over tokens that arrive a piece at a time, so that a text of any
 * length is scored while holding only about one window of tokens. Windows, scored positions and
 * the order of summation are those of {@link WindowedPerplexity#evaluate}, so the result is the
 * same to the last bit.
 */
public final class StreamingPerplexity {

  private final CausalLanguageModel model;
  private final int context;
  private final int stride;
  private final IntConsumer onScored;
  private final WindowedPerplexity.Progress progress;
  private final long startNanos = System.nanoTime();
  private int[] buffer = new int[64]; // tokens from absolute position bufferStart on
  private int buffered;
  private long bufferStart;
  private long seen; // tokens accepted so far
  private long begin; // start of the next window
  private long scoredUpTo = 1; // positions before this are scored (token 0 never is)
  private long scored;
  private double nll;

  /**
   * @param context window length, at least 2
   * @param stride 1 to {@code context}
   * @param onScored told the token at every scored position, in order (a unigram baseline counts
   *     them), or null
   * @param progress told the scored count after each window (the total is not known: -1), or null
   */
  public StreamingPerplexity(CausalLanguageModel model, int context, int stride, IntConsumer onScored,
      WindowedPerplexity.Progress progress) {
    if (context < 2) {
      throw new IllegalArgumentException("context must be >= 2, got " + context);
    }
    if (stride < 1 || stride > context) {
      throw new IllegalArgumentException("stride must be in [1, context = " + context + "], got " + stride);
    }
    ContextLimit.check("a perplexity window (context)", context, model.maxContext());
    this.model = model;
    this.context = context;
    this.stride = stride;
    this.onScored = onScored;
    this.progress = progress;
  }

  /** Adds the next tokens and scores every window they complete. */
  public void accept(int[] tokens) {
    if (buffered + tokens.length > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(2 * buffer.length, buffered + tokens.length));
    }
    System.arraycopy(tokens, 0, buffer, buffered, tokens.length);
    buffered += tokens.length;
    seen += tokens.length;
    // A full window is one the whole sequence would have too.
    while (begin + context <= seen) {
      score(begin + context);
    }
    compact();
  }

  /** Scores the last, shorter windows and returns the result. */
  public PerplexityResult finish() {
    long n = seen;
    if (n < 2) {
      throw new IllegalArgumentException("need at least 2 tokens to score, got " + n);
    }
    while (begin < n - 1 && scoredUpTo < n) {
      score(Math.min(begin + context, n));
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    return new PerplexityResult(Math.exp(nll / scored), nll, scored, context, stride, seconds);
  }

  /** Tokens accepted so far. */
  public long tokens() {
    return seen;
  }

  // Runs window [begin, end) if it scores anything, then moves to the next window start.
  private void score(long end) {
    long first = Math.max(begin + 1, scoredUpTo);
    if (first < end) {
      int from = (int) (begin - bufferStart);
      float[][] logits;
      try (InferenceSession session = model.newSession()) {
        logits = session.appendAll(Arrays.copyOfRange(buffer, from, from + (int) (end - begin)));
      }
      for (long p = first; p < end; p++) {
        int token = buffer[(int) (p - bufferStart)];
        nll += WindowedPerplexity.negativeLogLikelihood(logits[(int) (p - begin - 1)], token);
        scored++;
        if (onScored != null) {
          onScored.accept(token);
        }
      }
      scoredUpTo = end;
      if (progress != null) {
        progress.update(scored, -1);
      }
    }
    begin += stride;
  }

  // Drops the tokens before the next window: no later window reads them.
  private void compact() {
    int drop = (int) Math.min(begin - bufferStart, buffered);
    if (drop > 0) {
      System.arraycopy(buffer, drop, buffer, 0, buffered - drop);
      buffered -= drop;
      bufferStart += drop;
    }
  }
}
