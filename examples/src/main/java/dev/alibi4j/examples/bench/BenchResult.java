package dev.alibi4j.examples.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * Every figure of one benchmark, with the derived fractions of the machine's limits.
 *
 * @param model what was measured (directory or synthetic shape)
 * @param dtype storage type of the weights: f32, f16, bf16 or q8_0
 * @param kernel the decode kernel, e.g. {@code vector-512} or {@code torch}
 * @param threads compute threads
 * @param promptTokens prefill length
 * @param genTokens decode steps per run
 * @param context cache length when decoding starts
 * @param repeat measured runs (medians are over these)
 * @param cost what a forward pass moves and computes
 * @param kernelBandwidthGbPerS the kernel's streaming read of a mapped 1.25 GiB file, median of
 *     the probes run before each timed run
 * @param torchBandwidthGbPerS libtorch's {@code sum()} over 1 GiB, likewise
 * @param matmulGflops float32 matrix-multiply ceiling, median of probes before and after
 * @param loadSeconds checkpoint load (warm page cache) and model construction
 * @param firstTokenSeconds prefill and first token of the first run after loading
 * @param runs the timed runs
 * @param peakRssBytes peak resident memory from just before loading to the end (probes
 *     excluded), or -1
 */
public record BenchResult(
    String model,
    String dtype,
    String kernel,
    int threads,
    int promptTokens,
    int genTokens,
    int context,
    int repeat,
    ModelCost cost,
    double kernelBandwidthGbPerS,
    double torchBandwidthGbPerS,
    double matmulGflops,
    double loadSeconds,
    double firstTokenSeconds,
    SpeedRun[] runs,
    long peakRssBytes) {

  /** Allowed peak resident memory: 1.1 × the weights + 400 MB. */
  public long peakRssBudgetBytes() {
    return (long) (1.1 * cost.weightBytes() + 400e6);
  }

  /** The bandwidth ceiling: the higher of the two probes. */
  public double bandwidthGbPerS() {
    return Math.max(kernelBandwidthGbPerS, torchBandwidthGbPerS);
  }

  public double prefillTokensPerS() {
    return promptTokens / Stats.median(prefillSeconds());
  }

  public double decodeTokensPerS() {
    return genTokens / Stats.median(decodeSeconds());
  }

  double[] prefillSeconds() {
    return java.util.Arrays.stream(runs).mapToDouble(SpeedRun::prefillSeconds).toArray();
  }

  double[] decodeSeconds() {
    return java.util.Arrays.stream(runs).mapToDouble(SpeedRun::decodeSeconds).toArray();
  }

  /** Bytes one decode step reads, at the mean context of the timed steps. */
  public double decodeBytesPerToken() {
    return cost.decodeBytes(context + (genTokens - 1) / 2.0 + 1);
  }

  /** Achieved decode read rate, GB/s. */
  public double decodeGbPerS() {
    return decodeBytesPerToken() * decodeTokensPerS() / 1e9;
  }

  public double decodeBandwidthFraction() {
    return decodeGbPerS() / bandwidthGbPerS();
  }

  /** Achieved prefill compute rate, GFLOP/s. */
  public double prefillGflops() {
    return cost.prefillFlops(promptTokens) * prefillTokensPerS() / promptTokens / 1e9;
  }

  public double prefillFlopsFraction() {
    return prefillGflops() / matmulGflops;
  }

  /** The fields every bench's JSON starts with: what ran, on what, with how much work. */
  static JsonObject runJson(String model, String dtype, String kernel, int threads, int promptTokens, int genTokens) {
    JsonObject j = new JsonObject();
    j.addProperty("model", model);
    j.addProperty("dtype", dtype);
    j.addProperty("kernel", kernel);
    j.addProperty("threads", threads);
    j.addProperty("prompt_tokens", promptTokens);
    j.addProperty("gen_tokens", genTokens);
    return j;
  }

  /** One JSON object with every figure. */
  public String toJson() {
    JsonObject j = runJson(model, dtype, kernel, threads, promptTokens, genTokens);
    j.addProperty("context", context);
    j.addProperty("repeat", repeat);
    j.addProperty("prefill_tokens_per_s", prefillTokensPerS());
    j.addProperty("decode_tokens_per_s", decodeTokensPerS());
    j.addProperty("bandwidth_gb_s", bandwidthGbPerS());
    j.addProperty("kernel_bandwidth_gb_s", kernelBandwidthGbPerS);
    j.addProperty("torch_bandwidth_gb_s", torchBandwidthGbPerS);
    j.addProperty("matmul_gflops", matmulGflops);
    j.addProperty("decode_bandwidth_fraction", decodeBandwidthFraction());
    j.addProperty("prefill_flops_fraction", prefillFlopsFraction());
    j.addProperty("load_s", loadSeconds);
    j.addProperty("first_token_s", firstTokenSeconds);
    j.addProperty("peak_rss_bytes", peakRssBytes);
    j.addProperty("peak_rss_budget_bytes", peakRssBudgetBytes());
    j.addProperty("weights_bytes", cost.weightBytes());
    j.addProperty("decode_bytes_per_token", decodeBytesPerToken());
    j.addProperty("decode_gb_s", decodeGbPerS());
    j.addProperty("prefill_flops", cost.prefillFlops(promptTokens));
    j.addProperty("prefill_gflops", prefillGflops());
    j.add("prefill_runs_s", array(prefillSeconds()));
    j.add("decode_runs_s", array(decodeSeconds()));
    return new GsonBuilder().create().toJson(j);
  }

  /** A small human-readable table. */
  public String toTable() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "model %s, %s weights, %s kernel, %d threads, prompt %d, %d decode steps at context %d, median of %d%n",
        model, dtype, kernel, threads, promptTokens, genTokens, context, repeat));
    row(s, "prefill", "%.1f tokens/s", prefillTokensPerS(),
        String.format(Locale.ROOT, "%.1f GFLOP/s = %.2f of matmul ceiling", prefillGflops(), prefillFlopsFraction()));
    row(s, "decode", "%.2f tokens/s", decodeTokensPerS(),
        String.format(Locale.ROOT, "%.1f GB/s = %.2f of bandwidth ceiling", decodeGbPerS(), decodeBandwidthFraction()));
    row(s, "bandwidth ceiling", "%.1f GB/s", bandwidthGbPerS(), String.format(Locale.ROOT,
        "higher of: kernel read of a mapped 1.25 GiB file %.1f, libtorch sum() over 1 GiB %.1f",
        kernelBandwidthGbPerS, torchBandwidthGbPerS));
    row(s, "matmul ceiling", "%.1f GFLOP/s", matmulGflops, "float32 2048³");
    row(s, "load", "%.2f s", loadSeconds, "warm page cache");
    row(s, "first token", "%.2f s", firstTokenSeconds, "first prefill after load");
    row(s, "peak RSS", "%.0f MB", peakRssBytes / 1e6,
        String.format(Locale.ROOT, "weights %.0f MB; budget %.0f MB", cost.weightBytes() / 1e6, peakRssBudgetBytes() / 1e6));
    return s.toString();
  }

  private static void row(StringBuilder s, String name, String format, double value, String note) {
    s.append(String.format(Locale.ROOT, "  %-18s %-16s %s%n", name, String.format(Locale.ROOT, format, value), note));
  }

  private static JsonArray array(double[] values) {
    JsonArray a = new JsonArray();
    for (double v : values) {
      a.add(v);
    }
    return a;
  }
}
