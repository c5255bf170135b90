package dev.alibi4j.examples.serve;

import dev.alibi4j.engine.generation.BatchScheduler;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The server's metrics (Micrometer, scraped in Prometheus' text format at {@code /metrics}):
 * requests by endpoint and status, prompt and generated tokens, the scheduler's queue length,
 * running requests and decode passes (tokens per pass is the mean batch), request latency and
 * prefill time as histograms.
 */
public final class PrometheusMetrics {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter promptTokens;
  private final Counter generatedTokens;
  private final Supplier<BatchScheduler> scheduler;

  /** @param scheduler the model's scheduler, whose queue and running requests are gauged */
  public PrometheusMetrics(BatchScheduler scheduler) {
    this(() -> scheduler);
  }

  /**
   * @param scheduler the model's scheduler, or null while the model loads (gauges then read 0,
   *     and {@code alibi4j_model_loaded} 0)
   */
  public PrometheusMetrics(Supplier<BatchScheduler> scheduler) {
    this.scheduler = scheduler; // Micrometer holds gauge objects weakly: this keeps it alive
    promptTokens = Counter.builder("alibi4j_prompt_tokens").description("prompt tokens of finished requests")
        .register(registry);
    generatedTokens = Counter.builder("alibi4j_generated_tokens").description("tokens generated")
        .register(registry);
    Gauge.builder("alibi4j_model_loaded", scheduler, s -> s.get() == null ? 0 : 1)
        .description("1 once the model has loaded and requests are served").register(registry);
    Gauge.builder("alibi4j_queue_length", scheduler, s -> read(s, BatchScheduler::queued))
        .description("requests waiting for a place in the batch").register(registry);
    Gauge.builder("alibi4j_running_requests", scheduler, s -> read(s, BatchScheduler::running))
        .description("requests prefilling or decoding").register(registry);
    FunctionCounter.builder("alibi4j_decode_passes", scheduler, s -> read(s, b -> b.stats().decodeSteps()))
        .description("batched decode passes").register(registry);
    FunctionCounter.builder("alibi4j_decode_pass_tokens", scheduler, s -> read(s, b -> b.stats().decodeTokens()))
        .description("tokens decoded by those passes (divided by the passes: the mean batch)").register(registry);
  }

  /**
   * Counts a finished request: its endpoint, HTTP status, tokens and timings.
   *
   * @param prefill the time its prompt took to prefill, or null when it generated nothing
   */
  public void request(String endpoint, int status, int prompt, int generated, Duration latency, Duration prefill) {
    Counter.builder("alibi4j_requests").description("HTTP requests by endpoint and status")
        .tag("endpoint", endpoint).tag("status", Integer.toString(status)).register(registry).increment();
    Timer.builder("alibi4j_request_seconds").description("request latency").tag("endpoint", endpoint)
        .publishPercentileHistogram().register(registry).record(latency);
    if (prefill != null) {
      Timer.builder("alibi4j_prefill_seconds").description("prompt prefill time (time to first token, less queueing)")
          .publishPercentileHistogram().register(registry).record(prefill);
    }
    promptTokens.increment(prompt);
    generatedTokens.increment(generated);
  }

  private static double read(Supplier<BatchScheduler> scheduler, ToDoubleFunction<BatchScheduler> value) {
    BatchScheduler s = scheduler.get();
    return s == null ? 0 : value.applyAsDouble(s);
  }

  /** The Prometheus text exposition of every metric. */
  public String scrape() {
    return registry.scrape();
  }
}
