package dev.alibi4j.examples.serve;

import dev.alibi4j.engine.generation.BatchScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;

/**
 * The server's metrics (Micrometer, scraped in Prometheus' text format at {@code /metrics}):
 * requests by endpoint and status, prompt and generated tokens, the scheduler's queue length and
 * running batch size, request latency and time to first token as histograms.
 */
public final class PrometheusMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter promptTokens;
  private final Counter generatedTokens;
  private final DistributionSummary batchSize;

  /** @param scheduler the model's scheduler, whose queue and running requests are gauged */
  public PrometheusMetrics(BatchScheduler scheduler) {
    promptTokens = Counter.builder("alibi4j_prompt_tokens").description("prompt tokens of finished requests")
        .register(registry);
    generatedTokens = Counter.builder("alibi4j_generated_tokens").description("tokens generated")
        .register(registry);
    Gauge.builder("alibi4j_queue_length", scheduler, BatchScheduler::queued)
        .description("requests waiting for a place in the batch").register(registry);
    Gauge.builder("alibi4j_running_requests", scheduler, BatchScheduler::running)
        .description("requests prefilling or decoding").register(registry);
    batchSize = DistributionSummary.builder("alibi4j_decode_batch_size")
        .description("sequences per decode pass, sampled per request").publishPercentileHistogram()
        .register(registry);
  }

  /** Counts a finished request: its endpoint, HTTP status, tokens and timings. */
  public void request(String endpoint, int status, int prompt, int generated, Duration latency, Duration firstToken) {
    Counter.builder("alibi4j_requests").description("HTTP requests by endpoint and status")
        .tag("endpoint", endpoint).tag("status", Integer.toString(status)).register(registry).increment();
    Timer.builder("alibi4j_request_seconds").description("request latency").tag("endpoint", endpoint)
        .publishPercentileHistogram().register(registry).record(latency);
    if (firstToken != null) {
      Timer.builder("alibi4j_time_to_first_token_seconds").description("time to the first generated token")
          .publishPercentileHistogram().register(registry).record(firstToken);
    }
    promptTokens.increment(prompt);
    generatedTokens.increment(generated);
  }

  /** Records the mean batch of the scheduler's decode passes during a request. */
  public void batch(double meanBatch) {
    if (!Double.isNaN(meanBatch)) {
      batchSize.record(meanBatch);
    }
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
