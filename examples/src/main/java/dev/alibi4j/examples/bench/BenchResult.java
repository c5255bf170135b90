package dev.alibi4j.examples.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Locale;

/**
 * Every figure of one benchmark, with the derived fractions of the machine's limits.
 *
 * @param model what was measured (directory or synthetic shape)
 * @param dtype weight type, f32 or f16
 * @param threads libtorch intra-op threads
 * @param promptTokens prefill length
 * @param genTokens decode steps per run
 * @param context cache length when decoding starts
 * @param repeat measured runs (medians are over these)
 * @param cost what a forward pass moves and computes
 * @param bandwidthGbPerS streaming-read ceiling: median of the probes before and after the model
 * @param matmulGflops float32 matrix-multiply ceiling, likewise
 * @param loadSeconds checkpoint load (warm page cache) and model construction
 * @param run the timed runs
 * @param peakRssBytes peak resident memory from just before loading to the end, or -1
 */
public record BenchResult(
    String model,
    String dtype,
    int threads,
    int promptTokens,
    int genTokens,
    int context,
    int repeat,
    ModelCost cost,
    double bandwidthGbPerS,
    double matmulGflops,
    double loadSeconds,
    SpeedRun run,
    long peakRssBytes) {

  /** Allowed peak resident memory: 1.15 × the weights + 400 MB. */
  public long peakRssBudgetBytes() {
    return (long) (1.15 * cost.weightBytes() + 400e6);
  }

  public double prefillTokensPerS() {
    return promptTokens / Stats.median(run.prefillSeconds());
  }

  public double decodeTokensPerS() {
    return genTokens / Stats.median(run.decodeSeconds());
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
    return decodeGbPerS() / bandwidthGbPerS;
  }

  /** Achieved prefill compute rate, GFLOP/s. */
  public double prefillGflops() {
    return cost.prefillFlops(promptTokens) * prefillTokensPerS() / promptTokens / 1e9;
  }

  public double prefillFlopsFraction() {
    return prefillGflops() / matmulGflops;
  }

  /** One JSON object with every figure. */
  public String toJson() {
    JsonObject j = new JsonObject();
    j.addProperty("model", model);
    j.addProperty("dtype", dtype);
    j.addProperty("threads", threads);
    j.addProperty("prompt_tokens", promptTokens);
    j.addProperty("gen_tokens", genTokens);
    j.addProperty("context", context);
    j.addProperty("repeat", repeat);
    j.addProperty("prefill_tokens_per_s", prefillTokensPerS());
    j.addProperty("decode_tokens_per_s", decodeTokensPerS());
    j.addProperty("bandwidth_gb_s", bandwidthGbPerS);
    j.addProperty("matmul_gflops", matmulGflops);
    j.addProperty("decode_bandwidth_fraction", decodeBandwidthFraction());
    j.addProperty("prefill_flops_fraction", prefillFlopsFraction());
    j.addProperty("load_s", loadSeconds);
    j.addProperty("first_token_s", run.firstTokenSeconds());
    j.addProperty("peak_rss_bytes", peakRssBytes);
    j.addProperty("peak_rss_budget_bytes", peakRssBudgetBytes());
    j.addProperty("weights_bytes", cost.weightBytes());
    j.addProperty("decode_bytes_per_token", decodeBytesPerToken());
    j.addProperty("decode_gb_s", decodeGbPerS());
    j.addProperty("prefill_flops", cost.prefillFlops(promptTokens));
    j.addProperty("prefill_gflops", prefillGflops());
    j.add("prefill_runs_s", array(run.prefillSeconds()));
    j.add("decode_runs_s", array(run.decodeSeconds()));
    return new GsonBuilder().create().toJson(j);
  }

  /** A small human-readable table. */
  public String toTable() {
    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT, "model %s, %s weights, %d threads, prompt %d, %d decode steps at context %d, median of %d%n",
        model, dtype, threads, promptTokens, genTokens, context, repeat));
    row(s, "prefill", "%.1f tokens/s", prefillTokensPerS(),
        String.format(Locale.ROOT, "%.1f GFLOP/s = %.2f of matmul ceiling", prefillGflops(), prefillFlopsFraction()));
    row(s, "decode", "%.2f tokens/s", decodeTokensPerS(),
        String.format(Locale.ROOT, "%.1f GB/s = %.2f of bandwidth ceiling", decodeGbPerS(), decodeBandwidthFraction()));
    row(s, "bandwidth ceiling", "%.1f GB/s", bandwidthGbPerS, "sum() over 1 GiB float32");
    row(s, "matmul ceiling", "%.1f GFLOP/s", matmulGflops, "float32 2048³");
    row(s, "load", "%.2f s", loadSeconds, "warm page cache");
    row(s, "first token", "%.2f s", run.firstTokenSeconds(), "first prefill after load");
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
