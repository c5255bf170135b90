package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.kernel.Kernel;
import dev.alibi4j.engine.kernel.Kernels;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.torch.ComputeThreads;
import dev.alibi4j.examples.io.DeleteOnExit;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.LoadOptions;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Measures a model against the machine's limits: load, first token, then {@code repeat} runs of
 * prefill and decode, each preceded by the two bandwidth probes, so that a machine whose speed
 * drifts (shared hosts) is compared with what it could do in the same minutes. The matmul ceiling
 * is probed before and after. Peak memory excludes the probes' own buffers.
 *
 * @param checkpoint directory to load; null with {@code synthetic}
 * @param synthetic shape to write to a temporary directory and load; null with {@code checkpoint}
 * @param type storage type of the weights; null keeps the checkpoint's own
 * @param options how to load (mapped, or read into memory)
 * @param threads compute threads (the kernel's and libtorch's)
 * @param promptTokens prefill length
 * @param genTokens decode steps per run
 * @param context cache length at which decoding starts
 * @param repeat measured runs
 * @param gguf where to also write the synthetic weights as GGUF, for llama.cpp; null for none
 */
public record Benchmark(
    Path checkpoint,
    SyntheticModel synthetic,
    WeightType type,
    LoadOptions options,
    int threads,
    int promptTokens,
    int genTokens,
    int context,
    int repeat,
    Path gguf) {

  /** Runs of the matmul probe, before and after the model. */
  static final int MATMUL_RUNS = 3;

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
    if (gguf != null && (synthetic == null || synthetic.family() != dev.alibi4j.model.Family.BLOOM)) {
      throw new IllegalArgumentException("a GGUF copy is written for the synthetic BLOOM shape (bloom-560m) only");
    }
    if ((long) context + genTokens > 1 << 20) {
      throw new IllegalArgumentException("context + gen tokens is over 2^20 positions");
    }
  }

  /** The type the synthetic checkpoint is written in: the one asked for, when a file can hold it. */
  SafetensorsDtype syntheticStorage() {
    if (type == null || type == WeightType.Q8_0) {
      return synthetic.stored();
    }
    return switch (type) {
      case F32 -> SafetensorsDtype.F32;
      case F16 -> SafetensorsDtype.F16;
      default -> SafetensorsDtype.BF16;
    };
  }

  /** Runs everything; progress goes to {@code log}. */
  public BenchResult run(PrintStream log) throws IOException {
    ComputeThreads.set(threads);
    Kernel kernel = Kernels.setThreads(threads);
    Path temp = Files.createTempDirectory("alibi4j-bench-");
    // Deleted at exit too: Ctrl-C skips the finally below and would leave gigabytes behind.
    try (DeleteOnExit.Handle cleanup = DeleteOnExit.register(temp)) {
      Path probe = temp.resolve("bandwidth-probe.bin");
      Ceilings.writeProbeFile(probe);
      log.printf(Locale.ROOT, "measuring the matmul ceiling (%d threads)...%n", threads);
      double[] matmulBefore = Ceilings.matmulGflops(MATMUL_RUNS);
      Path dir = checkpoint;
      if (synthetic != null) {
        dir = temp.resolve("model");
        writeSynthetic(dir, log);
      } else {
        warmPageCache(dir);
      }
      System.gc();
      ResidentMemory.resetPeak();
      log.printf(Locale.ROOT, "resident before loading: %.0f MB%n", ResidentMemory.currentBytes() / 1e6);
      log.println("loading " + dir + (type == null ? " as stored" : " as " + type.cliName())
          + (options.mmap() ? "" : ", read into memory") + "...");
      long start = System.nanoTime();
      try (Checkpoint ckpt = Checkpoint.load(dir, type, options)) {
        AlibiTransformer model = new AlibiTransformer(ckpt.config(), ckpt.weights(), kernel);
        double load = (System.nanoTime() - start) / 1e9;
        ModelCost cost = ModelCost.of(ckpt.config(), ckpt.weights());
        SpeedRun.Inputs inputs = SpeedRun.Inputs.random(model.vocabSize(), promptTokens, genTokens, context, 1234);
        log.printf(Locale.ROOT, "running 1 + %d times (%s kernel): prompt %d, %d decode steps at context %d...%n",
            repeat, kernel.name(), promptTokens, genTokens, context);
        log.printf(Locale.ROOT, "resident after loading: %.0f MB%n", ResidentMemory.currentBytes() / 1e6);
        double firstToken = SpeedRun.once(model, inputs).prefillSeconds();
        long peakRss = ResidentMemory.peakBytes();
        SpeedRun[] runs = new SpeedRun[repeat];
        double[] kernelBandwidth = new double[repeat];
        double[] torchBandwidth = new double[repeat];
        for (int r = 0; r < repeat; r++) {
          kernelBandwidth[r] = Ceilings.kernelBandwidthGbPerS(kernel, probe);
          torchBandwidth[r] = Ceilings.torchBandwidthGbPerS();
          ResidentMemory.resetPeak(); // the probes' buffers are not the model's
          runs[r] = SpeedRun.once(model, inputs);
          peakRss = Math.max(peakRss, ResidentMemory.peakBytes());
        }
        String name = synthetic != null ? "synthetic " + synthetic.name() : checkpoint.toString();
        String stored = ckpt.weights().embeddings().type().cliName();
        model.close();
        log.println("measuring the matmul ceiling again...");
        double matmul = Stats.median(concat(matmulBefore, Ceilings.matmulGflops(MATMUL_RUNS)));
        return new BenchResult(name, stored, kernel.name(), threads, promptTokens, genTokens, context,
            repeat, cost, Stats.median(kernelBandwidth), Stats.median(torchBandwidth), matmul, load,
            firstToken, runs, peakRss);
      }
    }
  }

  /**
   * {@code --concurrency}: loads the model as {@link #run} does, then measures each level of
   * concurrent requests ({@link ConcurrencyBench}) instead of the single-sequence runs.
   *
   * @return one JSON-ready object: the model, weights, kernel, threads, lengths and {@code levels}
   */
  public ConcurrencyResult runConcurrency(PrintStream log, int[] levels) throws IOException {
    ComputeThreads.set(threads);
    Kernel kernel = Kernels.setThreads(threads);
    Path temp = Files.createTempDirectory("alibi4j-bench-");
    try (DeleteOnExit.Handle cleanup = DeleteOnExit.register(temp)) {
      Path dir = checkpoint;
      if (synthetic != null) {
        dir = temp.resolve("model");
        writeSynthetic(dir, log);
      }
      log.println("loading " + dir + (type == null ? " as stored" : " as " + type.cliName()) + "...");
      try (Checkpoint ckpt = Checkpoint.load(dir, type, options);
          AlibiTransformer model = new AlibiTransformer(ckpt.config(), ckpt.weights(), kernel)) {
        List<ConcurrencyBench.Level> measured = ConcurrencyBench.run(model, levels, promptTokens, genTokens, log);
        String name = synthetic != null ? "synthetic " + synthetic.name() : checkpoint.toString();
        return new ConcurrencyResult(name, ckpt.weights().embeddings().type().cliName(), kernel.name(), threads,
            promptTokens, genTokens, measured);
      }
    }
  }

  private static double[] concat(double[] a, double[] b) {
    double[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private void writeSynthetic(Path dir, PrintStream log) throws IOException {
    SafetensorsDtype stored = syntheticStorage();
    long needed = synthetic.bytes(stored);
    long free = Files.getFileStore(dir.getParent()).getUsableSpace();
    if (free < needed + (64L << 20)) {
      throw new IOException(String.format(Locale.ROOT,
          "synthetic %s needs %.2f GB in %s (the temporary directory, java.io.tmpdir) but %.2f GB are free",
          synthetic.name(), needed / 1e9, dir.getParent(), free / 1e9));
    }
    log.printf(Locale.ROOT, "writing %s as %s (%.2f GB) to %s...%n", synthetic, stored, needed / 1e9, dir);
    synthetic.write(dir, stored);
    if (gguf != null) {
      WeightType ggufType = SyntheticGguf.ggufType(type, stored);
      log.printf(Locale.ROOT, "writing the same weights as GGUF (%s matrices) to %s...%n", ggufType, gguf);
      SyntheticGguf.write(synthetic, dir, gguf, ggufType);
    }
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
}
