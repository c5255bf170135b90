package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.generation.BatchScheduler;
import dev.alibi4j.examples.serve.ModelSlot;
import dev.alibi4j.examples.serve.OpenAiServer;
import dev.alibi4j.examples.serve.ServerConfig;
import dev.alibi4j.model.AlibiLM;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/** {@code serve}: an OpenAI-compatible HTTP server over one model, until the process is stopped. */
final class ServeCommand implements Command {

  /**
   * Helidon's own INFO lines (sockets bound, features) repeat what our one "serving" line says;
   * kept in a field because java.util.logging holds loggers weakly and would forget the level.
   */
  private static final Logger HELIDON_LOG = Logger.getLogger("io.helidon");

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String summary() {
    return "serve the model over an OpenAI-compatible HTTP API";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar serve [--model DIR] [options]
          --model DIR|OWNER/NAME     checkpoint directory, or a hub id found in the local Hugging
                                     Face cache; default: the built-in Tiny Shakespeare model
          --dtype T                  f32, f16, bf16, q8_0 or auto (default: as stored)
          --host ADDR                address to listen on (default 127.0.0.1: this machine only)
          --port N                   port to listen on (default 8080; 0 picks a free one)
          --max-concurrency N        requests decoded together in one batch (default 16)
          --queue N                  requests waiting beyond those; more get HTTP 429 (default 256)
          --api-key KEY              require 'Authorization: Bearer KEY' on every request
          --max-context N            longest prompt + max_tokens accepted (default: from the
                                     model's size and the memory)
          --no-mmap                  read the weights into memory instead of mapping the files
        Endpoints: POST /v1/completions, POST /v1/chat/completions (stream: true for server-sent
        events), GET /v1/models, GET /health, GET /metrics. The server listens before the model
        loads: until then /health and the completions answer 503. One line per request goes to
        stderr (no prompt text). Stop the server with Ctrl-C.
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(
        args,
        Set.of("--model", "--dtype", "--host", "--port", "--max-concurrency", "--queue", "--api-key",
            MaxContextOption.NAME),
        Set.of("--no-mmap"));
    String host = o.has("--host") ? o.string("--host") : "127.0.0.1";
    int port = Options.orDefault(o.integer("--port", 0, 65535), 8080);
    BatchScheduler.Limits limits = BatchScheduler.Limits.DEFAULT
        .withMaxSequences(Options.orDefault(o.integer("--max-concurrency", 1), BatchScheduler.Limits.DEFAULT.maxSequences()))
        .withMaxQueued(Options.orDefault(o.integer("--queue", 0), BatchScheduler.Limits.DEFAULT.maxQueued()));
    String apiKey = o.string("--api-key");
    if (apiKey != null && apiKey.isBlank()) {
      throw new UsageException("option --api-key must not be empty");
    }
    Integer maxContext = MaxContextOption.parse(o);
    HELIDON_LOG.setLevel(Level.WARNING);
    String modelId = o.has("--model") ? o.string("--model") : "builtin";
    Path dir = o.has("--model") ? Options.model(o) : BuiltinModel.resolve(err);
    // Listen first: while a large checkpoint loads, clients and health checks get 503, not
    // "connection refused", and a port in use is reported before minutes of loading.
    ModelSlot slot = ModelSlot.loading();
    ServerConfig config = new ServerConfig(host, port, apiKey, modelId);
    AtomicReference<AlibiLM> loaded = new AtomicReference<>();
    try (OpenAiServer server = OpenAiServer.start(slot, config, err)) {
      String url = "http://" + host + ":" + server.port() + "/v1";
      err.println("listening on " + url + "; loading '" + modelId + "' (503 until it has loaded)");
      CountDownLatch stopped = new CountDownLatch(1);
      // Ctrl-C: stop taking requests, then end the generations in flight (closing the model).
      Thread hook = new Thread(() -> {
        server.close();
        AlibiLM lm = loaded.get();
        if (lm != null) {
          lm.close();
        }
        stopped.countDown();
      });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        AlibiLM lm = AlibiLM.load(dir, Options.weightType(o), Options.loadOptions(o).withBatching(limits));
        loaded.set(lm);
        try (lm) {
          MaxContextOption.apply(maxContext, lm);
          slot.set(lm);
          err.println("serving '" + modelId + "' on " + url + " (Ctrl-C stops)");
          stopped.await();
        }
      } catch (Exception | Error e) {
        removeHook(hook); // the model did not load: the error ends the process, not Ctrl-C
        throw e;
      }
    }
    return Main.OK;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down: the hook runs anyway.
    }
  }
}
