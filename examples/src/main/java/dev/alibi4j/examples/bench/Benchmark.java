package dev.alibi4j.examples.bench;

import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.ComputeThreads;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures a model against the machine's limits: the ceilings first (so their memory is gone
 * before the model's peak is taken), then load, first token, prefill and decode.
 *
 * @param checkpoint directory to load; null with {@code synthetic}
 * @param synthetic shape to write to a temporary directory and load; null with {@code checkpoint}
 * @param half FLOAT16 weights (else FLOAT32)
 * @param threads libtorch intra-op threads
 * @param promptTokens prefill length
 * @param genTokens decode steps per run
 * @param context cache length at which decoding starts
 * @param repeat measured runs
 */
public record Benchmark(
    Path checkpoint,
    SyntheticModel synthetic,
    boolean half,
    int threads,
    int promptTokens,
    int genTokens,
    int context,
    int repeat) {

  /** Runs of each ceiling probe, before and after the model. */
  static final int CEILING_RUNS = 5;

  public Benchmark {
    if ((checkpoint == null) == (synthetic == null)) {
      throw new IllegalArgumentException("give exactly one of a checkpoint or a synthetic model");
    }
    if (promptTokens < 1 || genTokens < 1 || repeat < 1 || threads < 1) {
      throw new IllegalArgumentException("prompt tokens, decode steps, repeat and threads must be >= 1");
    }
    if (context < promptTokens) {
      throw new IllegalArgumentException(
          "context (" + context + ") must be at least the prompt length (" + promptTokens + ")");
    }
    if ((long) context + genTokens > 1 << 20) {
      throw new IllegalArgumentException("context + gen tokens is over 2^20 positions");
    }
  }

  /** Runs everything; progress goes to {@code log}. */
  public BenchResult run(PrintStream log) throws IOException {
    ComputeThreads.set(threads);
    log.printf(Locale.ROOT, "measuring ceilings (%d threads)...%n", threads);
    // Measured before and after the model, so that a machine whose speed drifts (shared hosts)
    // is compared with what it could do during the run, not just at its start.
    double[] bandwidthBefore = Ceilings.bandwidthGbPerS(CEILING_RUNS);
    double[] matmulBefore = Ceilings.matmulGflops(CEILING_RUNS);
    Path dir = checkpoint;
    Path temp = null;
    try {
      if (synthetic != null) {
        temp = Files.createTempDirectory("alibi4j-bench-");
        dir = temp;
        writeSynthetic(temp, log);
      } else {
        warmPageCache(dir);
      }
      System.gc();
      ResidentMemory.resetPeak();
      DataType dtype = half ? DataType.FLOAT16 : DataType.FLOAT32;
      log.println("loading " + dir + " as " + dtype.name() + "...");
      long start = System.nanoTime();
      try (Checkpoint ckpt = Checkpoint.load(dir, dtype)) {
        AlibiTransformer model = new AlibiTransformer(ckpt.config(), ckpt.weights());
        double load = (System.nanoTime() - start) / 1e9;
        ModelCost cost = ModelCost.of(ckpt.config(), ckpt.weights());
        log.printf(Locale.ROOT, "running 1 + %d times: prompt %d, %d decode steps at context %d...%n",
            repeat, promptTokens, genTokens, context);
        SpeedRun run = SpeedRun.measure(model, promptTokens, genTokens, context, repeat, 1234);
        String name = synthetic != null ? "synthetic " + synthetic.name() : checkpoint.toString();
        long peakRss = ResidentMemory.peakBytes();
        model.close();
        log.println("measuring ceilings again...");
        double bandwidth = Stats.median(concat(bandwidthBefore, Ceilings.bandwidthGbPerS(CEILING_RUNS)));
        double matmul = Stats.median(concat(matmulBefore, Ceilings.matmulGflops(CEILING_RUNS)));
        return new BenchResult(name, half ? "f16" : "f32", threads, promptTokens, genTokens, context,
            repeat, cost, bandwidth, matmul, load, run, peakRss);
      }
    } finally {
      if (temp != null) {
        deleteTree(temp);
      }
    }
  }

  private static double[] concat(double[] a, double[] b) {
    double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private void writeSynthetic(Path dir, PrintStream log) throws IOException {
    SafetensorsDtype stored = half ? SafetensorsDtype.F16 : SafetensorsDtype.F32;
    long needed = synthetic.bytes(stored);
    long free = Files.getFileStore(dir).getUsableSpace();
    if (free < needed + (64L << 20)) {
      throw new IOException(String.format(Locale.ROOT,
          "synthetic %s needs %.2f GB in %s (the temporary directory, java.io.tmpdir) but %.2f GB are free",
          synthetic.name(), needed / 1e9, dir.getParent(), free / 1e9));
    }
    log.printf(Locale.ROOT, "writing %s as %s (%.2f GB) to %s...%n", synthetic, stored, needed / 1e9, dir);
    synthetic.write(dir, stored);
  }

  /** Reads the checkpoint's files once, so that load time is measured from a warm page cache. */
  private static void warmPageCache(Path dir) throws IOException {
    byte[] buffer = new byte[1 << 20];
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
        try (InputStream in = Files.newInputStream(f)) {
          while (in.read(buffer) >= 0) {
            // discard: only the page cache matters
          }
        }
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort: the directory is in java.io.tmpdir
    }
  }
}
