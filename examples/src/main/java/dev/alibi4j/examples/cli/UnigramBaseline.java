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
    long[] counts = new long[vocab];
    for (int id : train) {
      counts[id]++;
    }
    double total = train.length + (double) vocab;
    double nll = 0;
    int[] positions = WindowedPerplexity.scoredPositions(scored.length, context, stride);
    for (int p : positions) {
      nll -= Math.log((counts[scored[p]] + 1) / total);
    }
    return Math.exp(nll / positions.length);
  }
}
