package dev.alibi4j.examples.train;

import java.io.PrintStream;
import java.util.Locale;

/** A one-line progress bar on stderr: step, loss, tokens/s, ETA. */
final class Progress {

  private final PrintStream err;
  private final int total;
  private final long tokensPerStep;
  private final long start = System.nanoTime();
  private double smoothedLoss = Double.NaN;

  Progress(PrintStream err, int total, long tokensPerStep) {
    this.err = err;
    this.total = total;
    this.tokensPerStep = tokensPerStep;
  }

  void update(int step, float loss) {
    smoothedLoss = Double.isNaN(smoothedLoss) ? loss : 0.9 * smoothedLoss + 0.1 * loss;
    double elapsed = (System.nanoTime() - start) / 1e9;
    double perStep = elapsed / step;
    long eta = Math.round(perStep * (total - step));
    int width = 24;
    int filled = (int) ((long) width * step / total);
    err.printf(Locale.ROOT, "\r[%s%s] step %d/%d | loss %.4f | %.0f tok/s | ETA %d:%02d ",
        "#".repeat(filled), ".".repeat(width - filled), step, total, smoothedLoss,
        step * tokensPerStep / elapsed, eta / 60, eta % 60);
    err.flush();
  }

  void println(String line) {
    err.println();
    err.println(line);
  }
}
