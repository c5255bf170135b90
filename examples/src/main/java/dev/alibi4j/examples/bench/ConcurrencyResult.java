package dev.alibi4j.examples.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The figures of {@code bench --concurrency}.
 *
 * @param model what was measured (directory or synthetic shape)
 * @param dtype storage type of the weights
 * @param kernel the decode kernel
 * @param threads compute threads
 * @param promptTokens prompt length of every request
 * @param genTokens tokens each request generates
 * @param levels one entry per concurrency level, in the order run
 */
public record ConcurrencyResult(
    String model, String dtype, String kernel, int threads, int promptTokens, int genTokens,
    List<ConcurrencyBench.Level> levels) {

  /** A header line and the levels' table. */
  public String toTable() {
    return String.format(Locale.ROOT, "%s, %s weights, %s kernel, %d threads; prompt %d, %d tokens per request%n",
        model, dtype, kernel, threads, promptTokens, genTokens) + ConcurrencyBench.table(levels);
  }

  /** One JSON object; {@code levels} holds one object per level. */
  public String toJson() {
    JsonObject j = BenchResult.runJson(model, dtype, kernel, threads, promptTokens, genTokens);
    JsonArray array = new JsonArray();
    for (ConcurrencyBench.Level l : levels) {
      JsonObject o = new JsonObject();
      o.addProperty("concurrency", l.concurrency());
      o.addProperty("aggregate_decode_tokens_per_s", l.aggregateDecodeTokensPerS());
      o.addProperty("end_to_end_tokens_per_s", l.endToEndTokensPerS());
      o.addProperty("mean_batch", l.meanBatch());
      o.addProperty("ttft_p50_s", l.ttftP50S());
      o.addProperty("ttft_p95_s", l.ttftP95S());
      o.addProperty("itl_p50_s", l.itlP50S());
      o.addProperty("itl_p95_s", l.itlP95S());
      o.addProperty("outputs_identical", l.outputsIdentical());
      o.addProperty("outputs_compared", l.compared());
      array.add(o);
    }
    j.add("levels", array);
    return new GsonBuilder().serializeSpecialFloatingPointValues().create().toJson(j);
  }
}
