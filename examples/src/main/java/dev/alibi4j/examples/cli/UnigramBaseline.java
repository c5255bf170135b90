package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.eval.WindowedPerplexity;

/** A unigram model with add-one smoothing: the baseline a language model must beat. */
final class UnigramBaseline {

  private UnigramBaseline() {}

  /**
   * Perplexity on the same tokens that windowed evaluation scores, under token frequencies
   * estimated on {@code train}.
   */
  static double perplexity(int[] train, int[] scored, int vocab, int context, int stride) {
    long[] trainCounts = new long[vocab];
    for (int id : train) {
      trainCounts[id]++;
    }
    long[] scoredCounts = new long[vocab];
    for (int p : WindowedPerplexity.scoredPositions(scored.length, context, stride)) {
      scoredCounts[scored[p]]++;
    }
    return perplexity(trainCounts, scoredCounts, vocab);
  }

  /**
   * The same from counts alone, which a text read in pieces can gather: how often each id occurs
   * in the training text and among the scored tokens.
   *
   * @param vocab the vocabulary size, for the add-one smoothing
   */
  static double perplexity(long[] trainCounts, long[] scoredCounts, int vocab) {
    long trainTokens = 0;
    for (long c : trainCounts) {
      trainTokens += c;
    }
    double total = trainTokens + (double) vocab;
    double nll = 0;
    long scored = 0;
    for (int id = 0; id < scoredCounts.length; id++) {
      if (scoredCounts[id] > 0) {
        long seen = id < trainCounts.length ? trainCounts[id] : 0;
        nll -= scoredCounts[id] * Math.log((seen + 1) / total);
        scored += scoredCounts[id];
      }
    }
    return Math.exp(nll / scored);
  }
}
