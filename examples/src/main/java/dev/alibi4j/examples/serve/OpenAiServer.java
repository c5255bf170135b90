package dev.alibi4j.examples.serve;

import dev.alibi4j.model.AlibiLM;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * An OpenAI-compatible HTTP server over one model. It does not own the model: close the server,
 * then the model.
 */
public final class OpenAiServer implements AutoCloseable {

  /** How often the kernel's TCP table is read for clients that left, while requests run. */
  private static final Duration DISCONNECT_POLL = Duration.ofMillis(100);

  private final WebServer server;
  private final DisconnectWatcher watcher;

  private OpenAiServer(WebServer server, DisconnectWatcher watcher) {
    this.server = server;
    this.watcher = watcher;
  }

  /**
   * Binds and starts serving {@code lm} at once.
   *
   * @param log where the one line per request goes (stderr for the CLI)
   */
  public static OpenAiServer start(AlibiLM lm, ServerConfig config, PrintStream log) {
    return start(ModelSlot.of(lm), config, log);
  }

  /**
   * Binds and starts serving; until {@code slot} holds a model, the generation endpoints and
   * {@code /health} answer 503 (with {@code Retry-After}).
   *
   * @param log where the one line per request goes (stderr for the CLI)
   */
  public static OpenAiServer start(ModelSlot slot, ServerConfig config, PrintStream log) {
    checkBindable(config);
    long created = System.currentTimeMillis() / 1000;
    DisconnectWatcher watcher = new DisconnectWatcher(DISCONNECT_POLL);
    CompletionsEndpoint text = new CompletionsEndpoint(slot, config.modelId(), Kind.TEXT, watcher);
    CompletionsEndpoint chat = new CompletionsEndpoint(slot, config.modelId(), Kind.CHAT, watcher);
    PrometheusMetrics metrics = new PrometheusMetrics(() -> slot.ready() ? slot.orNull().scheduler() : null);
    Guard guard = new Guard(config.apiKey(), log, metrics);
    WebServer server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .routing((HttpRouting.Builder r) -> r
            .post("/v1/completions", guard.wrap("/v1/completions", text::handle))
            .post("/v1/chat/completions", guard.wrap("/v1/chat/completions", chat::handle))
            .get("/v1/models", guard.wrap("/v1/models", (req, res, l) -> Endpoints.sendJson(res, 200, Endpoints.models(config.modelId(), created))))
            .get("/health", guard.wrap("/health", (req, res, l) -> {
              slot.get(); // 503 while loading
              Endpoints.sendJson(res, 200, Endpoints.health());
            }))
            .get("/metrics", guard.wrap("/metrics", (req, res, l) -> {
              res.header(io.helidon.http.HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
              res.send(metrics.scrape());
            }))
            .any(guard.wrap("other", (req, res, l) -> {
              throw ApiError.notFound(null, "no such endpoint: " + req.prologue().method().text() + " " + req.path().path());
            })))
        .build()
        .start();
    // Helidon logs a failed bind and returns a stopped server rather than throwing.
    if (!server.isRunning()) {
      server.stop();
      watcher.close();
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + "; see the log above");
    }
    return new OpenAiServer(server, watcher);
  }

  /**
   * Binds the address once ourselves to report "address already in use" in one line, before
   * Helidon would log a stack trace for it.
   */
  private static void checkBindable(ServerConfig config) {
    if (config.port() == 0) {
      return; // any free port will do
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.setReuseAddress(true); // as Helidon: a port in TIME_WAIT is free
      probe.bind(new InetSocketAddress(config.host(), config.port()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + config.host() + ":" + config.port() + ": "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().toLowerCase(java.util.Locale.ROOT))
          + (e instanceof BindException ? " (another server on this port? choose one with --port)" : ""), e);
    }
  }

  /** The bound port (the one chosen when the config asked for 0). */
  public int port() {
    return server.port();
  }

  /** Stops listening; generations in flight are ended by closing the model. */
  @Override
  public void close() {
    server.stop();
    watcher.close();
  }

  /** A handler that also gets the request's log line to fill in. */
  interface Endpoint {
    void handle(ServerRequest req, ServerResponse res, RequestLog log) throws Exception;
  }

  /** Checks the API key, turns every failure into an OpenAI error body and logs the request. */
  static final class Guard {

    private final byte[] expected;
    private final PrintStream log;
    private final PrometheusMetrics metrics;

    Guard(String apiKey, PrintStream log, PrometheusMetrics metrics) {
      this.expected = apiKey == null ? null : ("Bearer " + apiKey).getBytes(StandardCharsets.UTF_8);
      this.log = log;
      this.metrics = metrics;
    }

    /** @param label the endpoint as metrics name it (a fixed set: never the raw path) */
    io.helidon.webserver.http.Handler wrap(String label, Endpoint endpoint) {
      return (req, res) -> {
        RequestLog line = new RequestLog(req.prologue().method().text(), req.path().path());
        try {
          authorize(req);
          endpoint.handle(req, res, line);
        } catch (ApiError e) {
          line.status = e.status;
          fail(res, e);
        } catch (CloseConnectionException e) {
          throw e; // the client is gone: Helidon closes the connection, there is no one to answer
        } catch (Exception e) {
          // A bug or a model failure: the details go to the log, never to the client.
          line.status = 500;
          log.println("serve: internal error: " + e);
          fail(res, new ApiError(500, "server_error", null, "internal server error; see the server's log"));
        } finally {
          line.write(log);
          metrics.request(label, line.status, Math.max(0, line.promptTokens), Math.max(0, line.completionTokens),
              line.elapsed(), line.prefill);
        }
      };
    }

    private void authorize(ServerRequest req) {
      if (expected == null) {
        return;
      }
      byte[] given = req.headers().first(HeaderNames.AUTHORIZATION).orElse("").getBytes(StandardCharsets.UTF_8);
      // Constant-time comparison: the time taken tells nothing about the key.
      if (!MessageDigest.isEqual(given, expected)) {
        throw new ApiError(401, "invalid_request_error", null,
            "missing or wrong API key: send the header 'Authorization: Bearer KEY'");
      }
    }

    private static void fail(ServerResponse res, ApiError e) {
      if (res.isSent()) {
        return; // already answered (a stream that failed midway): nothing more can be said
      }
      if (e.status == 503) {
        res.header(HeaderNames.RETRY_AFTER, "1");
      }
      Endpoints.sendJson(res, e.status, Json.error(e));
    }
  }
}
