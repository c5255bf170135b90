package dev.alibi4j.engine.eval;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import java.util.Arrays;

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
   * @param context window length, at least 2
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
    long total = scoredPositions(tokens.length, context, stride).length;
    long start = System.nanoTime();
    double nll = 0;
    long scored = 0;
    int scoredUpTo = 1; // token 0 can never be scored
    for (int begin = 0; begin < tokens.length - 1 && scoredUpTo < tokens.length; begin += stride) {
      int end = Math.min(begin + context, tokens.length);
      int first = Math.max(begin + 1, scoredUpTo);
      if (first < end) {
        float[][] logits;
        try (InferenceSession session = model.newSession()) {
          logits = session.appendAll(Arrays.copyOfRange(tokens, begin, end)); // [end - begin][vocab]
        }
        for (int p = first; p < end; p++) {
          nll += negativeLogLikelihood(logits[p - begin - 1], tokens[p]);
          scored++;
        }
        scoredUpTo = end;
        if (progress != null) {
          progress.update(scored, total);
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new PerplexityResult(Math.exp(nll / scored), nll, scored, context, stride, seconds);
  }

  /** {@code -log softmax(logits)[target]}, computed stably in double. */
  static double negativeLogLikelihood(float[] logits, int target) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum) - logits[target];
  }

  /** Positions of a sequence of length {@code n} that windowed evaluation scores, ascending. */
  public static int[] scoredPositions(int n, int context, int stride) {
    java.util.stream.IntStream.Builder positions = java.util.stream.IntStream.builder();
    int scoredUpTo = 1;
    for (int begin = 0; begin < n - 1 && scoredUpTo < n; begin += stride) {
      int end = Math.min(begin + context, n);
      for (int p = Math.max(begin + 1, scoredUpTo); p < end; p++) {
        positions.add(p);
      }
      scoredUpTo = Math.max(scoredUpTo, end);
    }
    return positions.build().toArray();
  }
}
