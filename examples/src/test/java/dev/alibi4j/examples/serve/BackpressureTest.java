package dev.alibi4j.examples.serve;

import static dev.alibi4j.examples.serve.ServerHarness.error;
import static dev.alibi4j.examples.serve.ServerHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.generation.BatchScheduler;
import dev.alibi4j.examples.cli.TestCheckpoints;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.LoadOptions;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One sequence at a time, no queue: a second request gets 429, and a client that leaves is let go. */
class BackpressureTest {

  @TempDir static Path tmp;
  static AlibiLM lm;
  static OpenAiServer server;
  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 3), null,
        LoadOptions.DEFAULT.withBatching(BatchScheduler.Limits.DEFAULT.withMaxSequences(1).withMaxQueued(0)));
    server = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, null, "tiny"),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
    lm.close();
  }

  @Test
  void fullQueueIs429AndADisconnectedStreamIsCancelled() throws Exception {
    // A stream long enough to outlast the test, read until its first token arrives.
    int maxTokens = lm.maxContext() - 16;
    HttpRequest slow = HttpRequest.newBuilder(ServerHarness.uri(server.port(), "/v1/completions"))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"prompt\":\"slow\",\"max_tokens\":" + maxTokens + ",\"temperature\":0,\"stream\":true}"))
        .build();
    HttpResponse<InputStream> stream = ServerHarness.CLIENT.send(slow, HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, stream.statusCode());
    BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
    assertTrue(lines.readLine().startsWith("data: "));
    assertEquals(1, lm.scheduler().running() + lm.scheduler().queued());

    HttpResponse<String> refused = post(server.port(), "/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":2}");
    assertEquals(429, refused.statusCode(), refused.body());
    assertEquals("rate_limit_error", error(refused).get("type").getAsString());

    lines.close(); // the client goes away: the server must stop generating for it
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (lm.scheduler().running() + lm.scheduler().queued() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(0, lm.scheduler().running() + lm.scheduler().queued(), "the generation still runs");
    // Cancelled, not finished: the log shows the client gone (499) and far fewer tokens than asked.
    while (!LOG.toString(StandardCharsets.UTF_8).contains(" 499 ") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    String log = LOG.toString(StandardCharsets.UTF_8);
    assertTrue(log.lines().anyMatch(l -> l.startsWith("serve: POST /v1/completions 499")), log);
    assertTrue(maxTokens > 10_000, "max_tokens " + maxTokens + " is too few to outlast the test");
    // The slot is free again.
    assertEquals(200, post(server.port(), "/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":2}").statusCode());
  }
}
