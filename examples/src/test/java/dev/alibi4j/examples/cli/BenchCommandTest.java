package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.model.CheckpointException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} on a tiny checkpoint: every figure is reported, the derived fractions follow from
 * the raw ones, and bad options are usage errors. Speed itself is never asserted.
 */
class BenchCommandTest {

  @TempDir static Path tmp;

  static Path model;

  /** One run of the tiny model, shared by the tests that read its figures. */
  static JsonObject report;

  static final List<String> KEYS = List.of("prefill_tokens_per_s", "decode_tokens_per_s",
      "bandwidth_gb_s", "matmul_gflops", "decode_bandwidth_fraction", "prefill_flops_fraction",
      "load_s", "first_token_s", "peak_rss_bytes", "weights_bytes", "decode_bytes_per_token",
      "decode_gb_s", "prefill_flops", "prefill_gflops", "peak_rss_budget_bytes", "kernel_bandwidth_gb_s",
      "torch_bandwidth_gb_s");

  @BeforeAll
  static void setUp() throws Exception {
    model = TinyBloom.random(tmp.resolve("model"), 64, 5);
    CommandRun r = run("--model", model.toString(), "--prompt-tokens", "6", "--gen-tokens", "3",
        "--context", "9", "--repeat", "2", "--threads", "1", "--dtype", "f32", "--json");
    assertEquals(0, r.code(), r.err());
    report = JsonParser.parseString(r.out()).getAsJsonObject();
  }

  private static CommandRun run(String... args) throws Exception {
    return CommandRun.of(new BenchCommand(), args);
  }

  private static double get(String key) {
    return report.get(key).getAsDouble();
  }

  @Test
  void jsonHasEveryFigurePositiveAndFinite() {
    for (String key : KEYS) {
      assertTrue(report.has(key), "missing " + key);
      double v = get(key);
      assertTrue(Double.isFinite(v) && v > 0, key + " = " + v);
    }
    assertEquals(6, report.get("prompt_tokens").getAsInt());
    assertEquals(3, report.get("gen_tokens").getAsInt());
    assertEquals(9, report.get("context").getAsInt());
    assertEquals(1, report.get("threads").getAsInt());
    assertEquals("f32", report.get("dtype").getAsString());
    assertEquals(2, report.getAsJsonArray("prefill_runs_s").size());
    assertEquals(2, report.getAsJsonArray("decode_runs_s").size());
  }

  @Test
  void fractionsFollowFromTheMeasuredFigures() {
    assertEquals(get("decode_bytes_per_token") * get("decode_tokens_per_s") / 1e9, get("decode_gb_s"), 1e-9 * get("decode_gb_s"));
    assertEquals(get("decode_gb_s") / get("bandwidth_gb_s"), get("decode_bandwidth_fraction"), 1e-12);
    assertEquals(get("prefill_flops") * get("prefill_tokens_per_s") / 6 / 1e9, get("prefill_gflops"), 1e-9 * get("prefill_gflops"));
    assertEquals(get("prefill_gflops") / get("matmul_gflops"), get("prefill_flops_fraction"), 1e-12);
    assertEquals(1.1 * get("weights_bytes") + 400e6, get("peak_rss_budget_bytes"), 1);
    assertEquals(Math.max(get("kernel_bandwidth_gb_s"), get("torch_bandwidth_gb_s")), get("bandwidth_gb_s"), 0);
  }

  @Test
  void medianOfTheRunsGivesTheRates() {
    double[] decode = new double[2];
    for (int i = 0; i < 2; i++) {
      decode[i] = report.getAsJsonArray("decode_runs_s").get(i).getAsDouble();
    }
    assertEquals(3 / ((decode[0] + decode[1]) / 2), get("decode_tokens_per_s"), 1e-9 * get("decode_tokens_per_s"));
  }

  @Test
  void weightsAreCountedInTheirType() {
    // TinyBloom: hidden 16, 2 layers, vocab 64, all float32 with biases.
    long h = TinyBloom.HIDDEN;
    long params = 64 * h + 2 * h + TinyBloom.LAYERS * (12 * h * h + 13 * h) + 2 * h;
    assertEquals(params * 4, report.get("weights_bytes").getAsLong());
  }

  @Test
  void textTableNamesEachFigure() throws Exception {
    CommandRun r = run("--model", model.toString(), "--prompt-tokens", "4", "--gen-tokens", "2",
        "--repeat", "1", "--threads", "1");
    assertEquals(0, r.code(), r.err());
    for (String row : List.of("prefill", "decode", "bandwidth ceiling", "matmul ceiling", "load",
        "first token", "peak RSS", "f32 weights", "kernel")) {
      assertTrue(r.out().contains(row), "missing " + row + " in\n" + r.out());
    }
  }

  @Test
  void badOptionsAreUsageErrors() {
    assertUsage("not both", "--model", model.toString(), "--synthetic", "bloom-560m");
    assertUsage("mpt-1b", "--synthetic", "gpt2");
    assertUsage("f32, f16, bf16, q8_0", "--model", model.toString(), "--dtype", "f8");
    assertUsage("--context", "--model", model.toString(), "--prompt-tokens", "8", "--context", "4");
    assertUsage("--repeat", "--model", model.toString(), "--repeat", "0");
    assertUsage("--threads", "--model", model.toString(), "--threads", "0");
    assertUsage("--gen-tokens", "--model", model.toString(), "--gen-tokens", "x");
    assertUsage("use it with --synthetic bloom-560m", "--model", model.toString(), "--gguf", "x.gguf");
    assertUsage("use it with --synthetic bloom-560m", "--synthetic", "mpt-1b", "--gguf", "x.gguf");
    assertUsage("exists; choose a new file name", "--synthetic", "bloom-560m", "--gguf", model.resolve("config.json").toString());
    assertUsage("not --concurrency", "--synthetic", "bloom-560m", "--concurrency", "1,2", "--gguf", "new.gguf");
  }

  @Test
  void missingDirectoryIsNamed() {
    Path missing = tmp.resolve("nope");
    // HubCache resolves --model first and refuses a path that is neither a folder nor a hub id.
    var e = assertThrows(CheckpointException.class, () -> run("--model", missing.toString()));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
  }

  private static void assertUsage(String expected, String... args) {
    var e = assertThrows(UsageException.class, () -> run(args));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
