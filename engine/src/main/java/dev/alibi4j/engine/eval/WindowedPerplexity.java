package dev.alibi4j.engine.eval;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.generation.LogSoftmax;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Perplexity as the ALiBi paper evaluates it: the sequence is cut into windows of {@code context}
 * tokens starting every {@code stride} tokens, each run as a fresh sequence.
 *
 * <p>With {@code stride == context} the windows do not overlap: in each, every token but the first
 * is scored from the tokens before it in the window. With {@code stride < context} (sliding
 * window) a window scores only the tokens no earlier window scored, so every token after the very
 * first is scored exactly once, with up to {@code context - 1} tokens of context.
 */
public final class WindowedPerplexity {

  /** Told how many tokens are scored so far, of how many. */
  @FunctionalInterface
  public interface Progress {
    void update(long scored, long total);
  }

  private WindowedPerplexity() {}

  /**
   * @param tokens the sequence, at least 2 ids
   * @param context window length, at least 2 and at most the model's {@link
   *     CausalLanguageModel#maxContext() maximum context}
   * @param stride 1 to {@code context}
   * @param progress called after each window, or null
   */
  public static PerplexityResult evaluate(
      CausalLanguageModel model, int[] tokens, int context, int stride, Progress progress) {
    if (tokens.length < 2) {
      throw new IllegalArgumentException("need at least 2 tokens to score, got " + tokens.length);
    }
    if (context < 2) {
      throw new IllegalArgumentException("context must be >= 2, got " + context);
    }
    if (stride < 1 || stride > context) {
      throw new IllegalArgumentException("stride must be in [1, context = " + context + "], got " + stride);
    }
    ContextLimit.check("a perplexity window (context)", context, model.maxContext());
    List<Window> windows = windows(tokens.length, context, stride);
    long total = windows.stream().mapToLong(w -> w.end() - w.first()).sum();
    long start = System.nanoTime();
    double nll = 0;
    long scored = 0;
    for (Window w : windows) {
      float[][] logits;
      try (InferenceSession session = model.newSession()) {
        logits = session.appendAll(Arrays.copyOfRange(tokens, w.begin(), w.end())); // [end - begin][vocab]
      }
      for (int p = w.first(); p < w.end(); p++) {
        nll += negativeLogLikelihood(logits[p - w.begin() - 1], tokens[p]);
        scored++;
      }
      if (progress != null) {
        progress.update(scored, total);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new PerplexityResult(Math.exp(nll / scored), nll, scored, context, stride, seconds);
  }

  /** {@code -log softmax(logits)[target]}, computed stably in double. */
  static double negativeLogLikelihood(float[] logits, int target) {
    return LogSoftmax.logPartition(logits) - logits[target];
  }

  /** Positions of a sequence of length {@code n} that windowed evaluation scores, ascending. */
  public static int[] scoredPositions(int n, int context, int stride) {
    return windows(n, context, stride).stream()
        .flatMapToInt(w -> IntStream.range(w.first(), w.end()))
        .toArray();
  }

  /** Tokens {@code [begin, end)} run as one sequence; those in {@code [first, end)} are scored. */
  private record Window(int begin, int end, int first) {}

  // Windows start every stride tokens; each scores what no earlier window scored (token 0 never),
  // and windows with nothing left to score are not run.
  private static List<Window> windows(int n, int context, int stride) {
    List<Window> windows = new ArrayList<>();
    int scoredUpTo = 1;
    for (int begin = 0; begin < n - 1 && scoredUpTo < n; begin += stride) {
      int end = Math.min(begin + context, n);
      int first = Math.max(begin + 1, scoredUpTo);
      if (first < end) {
        windows.add(new Window(begin, end, first));
        scoredUpTo = end;
      }
    }
    return windows;
  }
}
