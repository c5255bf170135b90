package dev.alibi4j.examples.bench;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load on an OpenAI-compatible server (alibi4j's {@code serve}, or llama.cpp's, vLLM's
 * on the same weights): {@code requests} greedy {@code /v1/completions} from {@code clients}
 * concurrent clients, each sending its next request when its last one is answered. Requests are
 * fixed by their index (prompt, {@code max_tokens}), so two runs send the same work.
 */
public final class HttpLoad {

  /** Short prompts, taken in turn. */
  private static final String[] PROMPTS = {
    "ROMEO:", "To be, or not to be:", "Now is the winter of our discontent", "First Citizen:",
    "What light through yonder window breaks?", "KING RICHARD III:", "All the world's a stage,",
    "Friends, Romans, countrymen,",
  };

  /**
   * @param baseUrl the server's root, e.g. {@code http://127.0.0.1:8080} (a trailing {@code /v1}
   *     is accepted)
   * @param minTokens / maxTokens {@code max_tokens} of the requests spread over this range
   * @param warmup requests after which the server's memory is first read
   * @param serverPid the server's process id, to read its resident memory; 0 for none
   * @param apiKey sent as a bearer token; null for none
   */
  public record Config(String baseUrl, int requests, int clients, int minTokens, int maxTokens, boolean stream,
      int warmup, long serverPid, String apiKey) {

    public Config {
      if (requests < 1 || clients < 1 || minTokens < 1 || maxTokens < minTokens || warmup < 0) {
        throw new IllegalArgumentException("need requests, clients, min tokens >= 1, max tokens >= min tokens,"
            + " warmup >= 0");
      }
      baseUrl = baseUrl.replaceAll("/+$", "").replaceAll("/v1$", "");
    }
  }

  /**
   * What one run measured. Latencies are from sending a request to its last byte; time to first
   * token (streams only, else NaN) to its first event with text.
   *
   * @param statuses count of answers by HTTP status ("io" for a failed connection)
   * @param rssAfterWarmupBytes the server's resident memory when the warm-up requests were done
   *     (-1 when unknown), {@code rssEndBytes} at the end
   */
  public record Result(int requests, int clients, Map<String, Integer> statuses, double seconds,
      long completionTokens, double latencyP50S, double latencyP95S, double latencyP99S, double latencyMaxS,
      double ttftP50S, double ttftP95S, long rssAfterWarmupBytes, long rssEndBytes) {

    public int ok() {
      return statuses.getOrDefault("200", 0);
    }

    public double requestsPerS() {
      return ok() / seconds;
    }

    public double tokensPerS() {
      return completionTokens / seconds;
    }

    public JsonObject toJson() {
      JsonObject j = new JsonObject();
      j.addProperty("requests", requests);
      j.addProperty("clients", clients);
      JsonObject s = new JsonObject();
      statuses.forEach(s::addProperty);
      j.add("statuses", s);
      j.addProperty("seconds", seconds);
      j.addProperty("requests_per_s", requestsPerS());
      j.addProperty("completion_tokens", completionTokens);
      j.addProperty("completion_tokens_per_s", tokensPerS());
      j.addProperty("latency_p50_s", latencyP50S);
      j.addProperty("latency_p95_s", latencyP95S);
      j.addProperty("latency_p99_s", latencyP99S);
      j.addProperty("latency_max_s", latencyMaxS);
      if (!Double.isNaN(ttftP50S)) {
        j.addProperty("ttft_p50_s", ttftP50S);
        j.addProperty("ttft_p95_s", ttftP95S);
      }
      if (rssEndBytes >= 0) {
        j.addProperty("server_rss_after_warmup_bytes", rssAfterWarmupBytes);
        j.addProperty("server_rss_end_bytes", rssEndBytes);
      }
      return j;
    }

    /** A few lines for people. */
    public String report() {
      StringBuilder b = new StringBuilder();
      b.append(String.format(Locale.ROOT, "%d requests from %d clients in %.2f s: %s%n", requests, clients, seconds, statuses));
      b.append(String.format(Locale.ROOT, "throughput  %.2f requests/s, %.1f generated tokens/s (%d tokens)%n",
          requestsPerS(), tokensPerS(), completionTokens));
      b.append(String.format(Locale.ROOT, "latency     p50 %.3f s, p95 %.3f s, p99 %.3f s, max %.3f s%n",
          latencyP50S, latencyP95S, latencyP99S, latencyMaxS));
      if (!Double.isNaN(ttftP50S)) {
        b.append(String.format(Locale.ROOT, "first token p50 %.3f s, p95 %.3f s%n", ttftP50S, ttftP95S));
      }
      if (rssEndBytes >= 0) {
        b.append(String.format(Locale.ROOT, "server RSS  %.0f MB after the warm-up, %.0f MB at the end (%+.1f%%)%n",
            rssAfterWarmupBytes / 1e6, rssEndBytes / 1e6,
            100.0 * (rssEndBytes - rssAfterWarmupBytes) / rssAfterWarmupBytes));
      }
      return b.toString();
    }
  }

  private record Outcome(String status, double seconds, double ttft, long tokens) {}

  private final Config config;
  private final HttpClient client;

  public HttpLoad(Config config) {
    this.config = config;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
  }

  /**
   * Checks that the server answers {@code GET /v1/models}.
   *
   * @throws IOException naming the URL when it does not
   */
  public void checkReachable() throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.baseUrl() + "/v1/models"))
        .timeout(Duration.ofSeconds(10)).GET();
    auth(b);
    HttpResponse<String> r;
    try {
      r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.net.ConnectException e) {
      throw new IOException("no server answers at " + config.baseUrl() + ": connection refused"
          + " (is it running? give its address with --url)", e);
    } catch (IOException e) {
      throw new IOException("no server answers at " + config.baseUrl() + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
    }
    if (r.statusCode() != 200) {
      throw new IOException(config.baseUrl() + "/v1/models answered HTTP " + r.statusCode() + ": " + firstLine(r.body()));
    }
  }

  /** Sends every request and measures. */
  public Result run() throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    long[] rssAfterWarmup = {config.serverPid() > 0 && config.warmup() == 0
        ? ResidentMemory.currentBytes(config.serverPid()) : -1};
    List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    long start = System.nanoTime();
    try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < config.clients(); c++) {
        futures.add(clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < config.requests(); i = next.getAndIncrement()) {
            outcomes.add(send(i));
            if (done.incrementAndGet() == config.warmup() && config.serverPid() > 0) {
              rssAfterWarmup[0] = ResidentMemory.currentBytes(config.serverPid());
            }
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a client failed: " + e.getCause(), e.getCause());
        }
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long rssEnd = config.serverPid() > 0 ? ResidentMemory.currentBytes(config.serverPid()) : -1;
    Map<String, Integer> statuses = new TreeMap<>();
    List<Double> latencies = new ArrayList<>();
    List<Double> ttfts = new ArrayList<>();
    long tokens = 0;
    for (Outcome o : outcomes) {
      statuses.merge(o.status(), 1, Integer::sum);
      if (o.status().equals("200")) {
        latencies.add(o.seconds());
        tokens += o.tokens();
        if (!Double.isNaN(o.ttft())) {
          ttfts.add(o.ttft());
        }
      }
    }
    return new Result(config.requests(), config.clients(), statuses, seconds, tokens,
        ConcurrencyBench.percentile(latencies, 0.50), ConcurrencyBench.percentile(latencies, 0.95),
        ConcurrencyBench.percentile(latencies, 0.99), ConcurrencyBench.percentile(latencies, 1.0),
        config.stream() ? ConcurrencyBench.percentile(ttfts, 0.50) : Double.NaN,
        config.stream() ? ConcurrencyBench.percentile(ttfts, 0.95) : Double.NaN,
        rssAfterWarmup[0], rssEnd);
  }

  /** The body of request {@code i}. */
  String body(int i) {
    JsonObject j = new JsonObject();
    j.addProperty("prompt", PROMPTS[i % PROMPTS.length]);
    int span = config.maxTokens() - config.minTokens() + 1;
    j.addProperty("max_tokens", config.minTokens() + (int) ((i * 7L) % span));
    j.addProperty("temperature", 0);
    if (config.stream()) {
      j.addProperty("stream", true);
      JsonObject options = new JsonObject();
      options.addProperty("include_usage", true);
      j.add("stream_options", options);
    }
    return j.toString();
  }

  private Outcome send(int i) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.baseUrl() + "/v1/completions"))
        .timeout(Duration.ofMinutes(10))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(i)));
    auth(b);
    long start = System.nanoTime();
    try {
      HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          in.transferTo(java.io.Writer.nullWriter());
          return new Outcome(Integer.toString(r.statusCode()), since(start), Double.NaN, 0);
        }
        return config.stream() ? readStream(in, start) : readWhole(in, start);
      }
    } catch (IOException | RuntimeException e) {
      return new Outcome("io", since(start), Double.NaN, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome("io", since(start), Double.NaN, 0);
    }
  }

  private static Outcome readWhole(BufferedReader in, long start) throws IOException {
    JsonObject body = JsonParser.parseReader(in).getAsJsonObject();
    return new Outcome("200", since(start), Double.NaN, body.getAsJsonObject("usage").get("completion_tokens").getAsLong());
  }

  private static Outcome readStream(BufferedReader in, long start) throws IOException {
    double ttft = Double.NaN;
    long tokens = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
        continue;
      }
      JsonObject event = JsonParser.parseString(line.substring(6)).getAsJsonObject();
      if (Double.isNaN(ttft) && event.getAsJsonArray("choices") instanceof com.google.gson.JsonArray choices
          && !choices.isEmpty() && choices.get(0).getAsJsonObject().get("text") instanceof JsonElement text
          && !text.getAsString().isEmpty()) {
        ttft = since(start);
      }
      if (event.get("usage") instanceof JsonObject usage) {
        tokens = usage.get("completion_tokens").getAsLong();
      }
    }
    return new Outcome("200", since(start), ttft, tokens);
  }

  private void auth(HttpRequest.Builder b) {
    if (config.apiKey() != null) {
      b.header("Authorization", "Bearer " + config.apiKey());
    }
  }

  private static double since(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
