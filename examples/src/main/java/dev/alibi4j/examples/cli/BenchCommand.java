package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.tensor.WeightType;

import dev.alibi4j.examples.bench.BenchResult;
import dev.alibi4j.examples.bench.ConcurrencyResult;
import dev.alibi4j.examples.bench.Benchmark;
import dev.alibi4j.examples.bench.SyntheticModel;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** {@code bench}: speed against the machine's bandwidth and matmul ceilings. */
final class BenchCommand implements Command {

  @Override
  public String name() {
    return "bench";
  }

  @Override
  public String summary() {
    return "measure prefill/decode speed, load time and memory against the machine's limits";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar bench (--model DIR | --synthetic NAME) [options]
          --model DIR          checkpoint directory or hub id in the local HF cache (default: the
                               built-in model)
          --synthetic NAME     random weights with a published shape, written to java.io.tmpdir
                               and loaded from there: bloom-560m (24 layers, hidden 1024,
                               16 heads, vocab 250880; stored f16), mpt-1b (24 layers,
                               d_model 2048, 16 heads, vocab 50432; bf16) or mpt-7b (32 layers,
                               d_model 4096, 32 heads, vocab 50432; bf16, 13.3 GB). Written in the
                               --dtype when it is a float type, else in the model's own type
          --prompt-tokens N    prefill length (default 128)
          --gen-tokens N       decode steps per run (default 64)
          --context N          cache length when decoding starts (default: the prompt length);
                               the gap after the prompt is filled untimed
          --dtype T            weights in memory: f32, f16, bf16, q8_0 or auto (the checkpoint's
                               own type; default)
          --no-mmap            read the weights into memory instead of mapping the files
          --threads N          compute threads (default: available processors)
          --repeat N           measured runs after the warm-up; figures are medians (default 3)
          --concurrency 1,4,8  instead: that many requests at once through the batch scheduler,
                               per level: aggregate decode tokens/s, time to first token and
                               between tokens (p50, p95), outputs equal to each request alone
          --gguf FILE          with --synthetic bloom-560m: also write the same weights as a GGUF
                               file (matrices in --dtype), to measure llama.cpp on them
                               (llama-bench -m FILE -p 128 -n 64 -t THREADS)
          --json               print one JSON object instead of a table
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args,
        Set.of("--model", "--synthetic", "--prompt-tokens", "--gen-tokens", "--context", "--dtype",
            "--threads", "--repeat", "--concurrency", "--gguf"),
        Set.of("--json", "--no-mmap"));
    if (o.has("--model") && o.has("--synthetic")) {
      throw new UsageException("give --model or --synthetic, not both");
    }
    SyntheticModel synthetic = null;
    Path dir = null;
    if (o.has("--synthetic")) {
      try {
        synthetic = SyntheticModel.named(o.required("--synthetic"));
      } catch (IllegalArgumentException e) {
        throw new UsageException("option --synthetic: " + e.getMessage());
      }
    } else {
      dir = o.has("--model") ? Options.model(o) : BuiltinModel.resolve();
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException("checkpoint directory not found: " + dir);
      }
    }
    int prompt = Options.orDefault(o.integer("--prompt-tokens", 1), 128);
    int gen = Options.orDefault(o.integer("--gen-tokens", 1), 64);
    int context = Options.orDefault(o.integer("--context", 1), prompt);
    if (context < prompt) {
      throw new UsageException("option --context must be >= --prompt-tokens (" + prompt + "), got " + context);
    }
    WeightType type = Options.weightType(o);
    int threads = Options.orDefault(o.integer("--threads", 1), Runtime.getRuntime().availableProcessors());
    int repeat = Options.orDefault(o.integer("--repeat", 1), 3);
    int[] levels = concurrency(o);
    Path gguf = gguf(o, synthetic);
    Benchmark bench = new Benchmark(dir, synthetic, type, Options.loadOptions(o), threads, prompt, gen, context, repeat, gguf);
    if (levels != null) {
      ConcurrencyResult result = bench.runConcurrency(err, levels);
      out.print(o.flag("--json") ? result.toJson() + System.lineSeparator() : result.toTable());
      return Main.OK;
    }
    BenchResult result = bench.run(err);
    out.print(o.flag("--json") ? result.toJson() + System.lineSeparator() : result.toTable());
    return Main.OK;
  }

  /** {@code --gguf FILE}: a new file beside an existing folder, for the synthetic BLOOM shape only. */
  private static Path gguf(Options o, SyntheticModel synthetic) {
    if (!o.has("--gguf")) {
      return null;
    }
    if (synthetic == null || synthetic.family() != dev.alibi4j.model.Family.BLOOM) {
      throw new UsageException("option --gguf writes the synthetic BLOOM weights for llama.cpp: use it with --synthetic bloom-560m");
    }
    if (o.has("--concurrency")) {
      throw new UsageException("option --gguf goes with the single-request benchmark, not --concurrency");
    }
    Path file = o.path("--gguf").toAbsolutePath();
    if (Files.exists(file)) {
      throw new UsageException("option --gguf: " + file + " exists; choose a new file name");
    }
    if (file.getParent() == null || !Files.isDirectory(file.getParent())) {
      throw new UsageException("option --gguf: no folder " + file.getParent() + " to write into");
    }
    return file;
  }

  /** {@code --concurrency 1,4,8,16}: levels from 1 to 256, or null when absent. */
  private static int[] concurrency(Options o) {
    String v = o.string("--concurrency");
    if (v == null) {
      return null;
    }
    try {
      int[] levels = java.util.Arrays.stream(v.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
      if (levels.length == 0 || java.util.Arrays.stream(levels).anyMatch(l -> l < 1 || l > 256)) {
        throw new NumberFormatException();
      }
      return levels;
    } catch (NumberFormatException e) {
      throw new UsageException("option --concurrency expects levels from 1 to 256 separated by commas, e.g. 1,4,8,16; got '" + v + "'");
    }
  }
}
