package dev.alibi4j.examples.serve;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.generation.BatchScheduler;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The scrape holds the counters, gauges and histograms a dashboard reads. */
class PrometheusMetricsTest {

  @Test
  void theScrapeHoldsRequestsTokensQueueAndLatencies() {
    CausalLanguageModel model = new CausalLanguageModel() {
      @Override
      public int vocabSize() {
        return 10;
      }

      @Override
      public InferenceSession newSession() {
        throw new UnsupportedOperationException("not used");
      }
    };
    try (BatchScheduler scheduler = new BatchScheduler(model, BatchScheduler.Limits.DEFAULT, null)) {
      PrometheusMetrics metrics = new PrometheusMetrics(scheduler);
      metrics.request("/v1/completions", 200, 12, 30, Duration.ofMillis(1500), Duration.ofMillis(200));
      metrics.request("/v1/completions", 429, 0, 0, Duration.ofMillis(1), null);
      String text = metrics.scrape();
      for (String expected : new String[] {
          "alibi4j_requests_total{endpoint=\"/v1/completions\",status=\"200\"} 1.0",
          "alibi4j_requests_total{endpoint=\"/v1/completions\",status=\"429\"} 1.0",
          "alibi4j_prompt_tokens_total 12.0", "alibi4j_generated_tokens_total 30.0",
          "alibi4j_queue_length 0.0", "alibi4j_running_requests 0.0",
          "alibi4j_request_seconds_bucket", "alibi4j_prefill_seconds_count 1", "alibi4j_decode_passes_total 0.0"}) {
        assertTrue(text.contains(expected), "missing " + expected + " in\n" + text);
      }
    }
  }
}
