package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.generation.BatchScheduler;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * {@code bench --concurrency 1,4,8,16}: at each level, that many requests arrive at once and run
 * through the {@link BatchScheduler} (continuous batching), each with its own random prompt,
 * greedy, for a fixed number of tokens (no end-of-sequence). Every token's arrival is timed on
 * the scheduler's thread.
 *
 * <p>Per level: aggregate decode tokens/s (tokens of the batched decode passes over the time those
 * passes took, as llama.cpp's {@code batched-bench} counts S_TG), the end-to-end rate (every
 * token after each request's first, over the time from the earliest first token to the last:
 * the prefills of joining requests count against it), time to first token and time between
 * tokens (p50, p95), and whether every request's tokens equal those it gets alone. The alone outputs are computed for the first {@link #CHECKED} requests of a level
 * (each alone costs a full single-sequence run); the level reports how many were compared.
 */
public final class ConcurrencyBench {

  /** Requests per level whose output is compared with a run alone. */
  static final int CHECKED = 4;

  private ConcurrencyBench() {}

  /**
   * @param concurrency requests at once
   * @param aggregateDecodeTokensPerS tokens of the decode passes per second of those passes
   * @param endToEndTokensPerS tokens after the first of each request per second from the
   *     earliest first token to the last token (prefills included)
   * @param meanBatch sequences per decode pass, on average
   * @param ttftP50S time to first token, median, seconds
   * @param ttftP95S time to first token, 95th percentile
   * @param itlP50S time between tokens, median over every gap of every request
   * @param itlP95S time between tokens, 95th percentile
   * @param outputsIdentical whether every compared request had its alone output
   * @param compared requests compared with their alone output
   */
  public record Level(
      int concurrency, double aggregateDecodeTokensPerS, double endToEndTokensPerS, double meanBatch,
      double ttftP50S, double ttftP95S,
      double itlP50S, double itlP95S, boolean outputsIdentical, int compared) {}

  /** Runs every level on {@code model}; progress goes to {@code log}. */
  public static List<Level> run(CausalLanguageModel model, int[] levels, int promptTokens, int genTokens, PrintStream log) {
    int most = Arrays.stream(levels).max().orElse(1);
    BatchScheduler.Limits limits = BatchScheduler.Limits.DEFAULT.withMaxSequences(most).withMaxQueued(most);
    Map<Integer, int[]> alone = new HashMap<>();
    List<Level> out = new ArrayList<>();
    try (BatchScheduler scheduler = new BatchScheduler(model, limits, null)) {
      log.println("warming up...");
      // One and then two sequences, so that the one-row and the batched loops are compiled.
      scheduler.generate(prompt(model.vocabSize(), promptTokens, -1), params(genTokens), null, null, null);
      CompletableFuture.allOf(
          scheduler.submit(prompt(model.vocabSize(), promptTokens, -2), params(genTokens), null, null, null),
          scheduler.submit(prompt(model.vocabSize(), promptTokens, -3), params(genTokens), null, null, null)).join();
      for (int level : levels) {
        log.printf(Locale.ROOT, "concurrency %d: %d requests, prompt %d, %d tokens each...%n",
            level, level, promptTokens, genTokens);
        Level measured = level(scheduler, model.vocabSize(), level, promptTokens, genTokens, alone, log);
        out.add(measured);
        log.printf(Locale.ROOT, "  decode %.2f tokens/s aggregate (%.2f end to end), between tokens p50 %.3f s p95 %.3f s%n",
            measured.aggregateDecodeTokensPerS(), measured.endToEndTokensPerS(), measured.itlP50S(), measured.itlP95S());
      }
    }
    return out;
  }

  private static Level level(BatchScheduler scheduler, int vocab, int level, int promptTokens, int genTokens,
      Map<Integer, int[]> alone, PrintStream log) {
    long[][] times = new long[level][genTokens];
    int[] counts = new int[level];
    long[] submitted = new long[level];
    List<CompletableFuture<GenerationResult>> futures = new ArrayList<>();
    BatchScheduler.Stats before = scheduler.stats();
    for (int i = 0; i < level; i++) {
      int request = i;
      submitted[i] = System.nanoTime();
      futures.add(scheduler.submit(prompt(vocab, promptTokens, i), params(genTokens), null, (id, text) -> {
        if (counts[request] < genTokens) {
          times[request][counts[request]++] = System.nanoTime();
        }
      }, null));
    }
    List<int[]> outputs = futures.stream().map(f -> f.join().ids()).toList();
    BatchScheduler.Stats work = scheduler.stats().minus(before);
    List<Double> ttft = new ArrayList<>();
    List<Double> gaps = new ArrayList<>();
    long firstToken = Long.MAX_VALUE;
    long lastToken = Long.MIN_VALUE;
    long decoded = 0;
    for (int i = 0; i < level; i++) {
      ttft.add((times[i][0] - submitted[i]) / 1e9);
      for (int t = 1; t < counts[i]; t++) {
        gaps.add((times[i][t] - times[i][t - 1]) / 1e9);
      }
      firstToken = Math.min(firstToken, times[i][0]);
      lastToken = Math.max(lastToken, times[i][counts[i] - 1]);
      decoded += counts[i] - 1;
    }
    int compared = Math.min(level, CHECKED);
    boolean identical = true;
    for (int i = 0; i < compared; i++) {
      int request = i;
      int[] expected = alone.computeIfAbsent(i, k -> {
        log.printf(Locale.ROOT, "  request %d alone, for comparison...%n", request);
        return scheduler.generate(prompt(vocab, promptTokens, request), params(genTokens), null, null, null).ids();
      });
      identical &= Arrays.equals(expected, outputs.get(i));
    }
    double window = (lastToken - firstToken) / 1e9;
    return new Level(level, work.decodeTokensPerSecond(), window > 0 ? decoded / window : Double.NaN, work.meanBatch(),
        percentile(ttft, 0.50), percentile(ttft, 0.95), percentile(gaps, 0.50), percentile(gaps, 0.95),
        identical, compared);
  }

  private static GenerationParams params(int genTokens) {
    return GenerationParams.builder().maxNewTokens(genTokens).build(); // greedy, no end-of-sequence
  }

  private static int[] prompt(int vocab, int length, long seed) {
    Random random = new Random(seed * 7919 + 17);
    int[] ids = new int[length];
    for (int i = 0; i < length; i++) {
      ids[i] = random.nextInt(vocab);
    }
    return ids;
  }

  /** The {@code q}-quantile by the nearest rank; NaN for no values. */
  static double percentile(List<Double> values, double q) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The levels as a table, with each level's aggregate decode speed relative to the first level's. */
  public static String table(List<Level> levels) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-11s %12s %7s %10s %6s %9s %9s %9s %9s %10s%n", "concurrency",
        "decode tok/s", "vs 1st", "end-to-end", "batch", "ttft p50", "ttft p95", "itl p50", "itl p95", "identical"));
    double base = levels.isEmpty() ? Double.NaN : levels.get(0).aggregateDecodeTokensPerS();
    for (Level l : levels) {
      b.append(String.format(Locale.ROOT, "%-11d %12.2f %6.2fx %10.2f %6.1f %8.3fs %8.3fs %8.3fs %8.3fs %10s%n",
          l.concurrency(), l.aggregateDecodeTokensPerS(), l.aggregateDecodeTokensPerS() / base,
          l.endToEndTokensPerS(), l.meanBatch(), l.ttftP50S(), l.ttftP95S(), l.itlP50S(), l.itlP95S(),
          (l.outputsIdentical() ? "yes" : "NO") + " (" + l.compared() + ")"));
    }
    return b.toString();
  }
}
