package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.examples.serve.OpenAiServer;
import dev.alibi4j.examples.serve.ServerConfig;
import dev.alibi4j.model.AlibiLM;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code loadtest} against an in-process server: what it counts must add up (nothing timed). */
class LoadTestCommandTest {

  @TempDir static Path tmp;
  static AlibiLM lm;
  static OpenAiServer server;
  static String url;

  @BeforeAll
  static void start() {
    lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 13)); // never ends early: no EOS
    server = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, "k3y", "tiny"), new PrintStream(OutputStream.nullOutputStream()));
    url = "http://127.0.0.1:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    lm.close();
  }

  /** Request i asks for min + (7i mod span) tokens; the test model always gives them all. */
  private static long expectedTokens(int requests, int min, int max) {
    long sum = 0;
    for (int i = 0; i < requests; i++) {
      sum += min + (7L * i) % (max - min + 1);
    }
    return sum;
  }

  private static JsonObject run(String... extra) {
    String[] base = {"loadtest", "--url", url + "/v1", "--requests", "12", "--clients", "3", "--min-tokens", "2",
        "--max-tokens", "5", "--api-key", "k3y", "--json", "--warmup", "4",
        "--server-pid", Long.toString(ProcessHandle.current().pid())};
    String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, args, base.length, extra.length);
    CommandRun r = CommandRun.main(args);
    assertEquals(Main.OK, r.code(), r.err() + r.out());
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  @Test
  void everyRequestIsAnsweredAndItsTokensCounted() {
    JsonObject j = run();
    assertEquals(12, j.getAsJsonObject("statuses").get("200").getAsInt());
    assertEquals(1, j.getAsJsonObject("statuses").size());
    assertEquals(expectedTokens(12, 2, 5), j.get("completion_tokens").getAsLong());
    double p50 = j.get("latency_p50_s").getAsDouble();
    assertTrue(p50 > 0 && p50 <= j.get("latency_p95_s").getAsDouble()
        && j.get("latency_p95_s").getAsDouble() <= j.get("latency_max_s").getAsDouble(), j.toString());
    assertTrue(j.get("server_rss_after_warmup_bytes").getAsLong() > 0, j.toString());
    assertTrue(j.get("server_rss_end_bytes").getAsLong() > 0, j.toString());
    assertTrue(!j.has("ttft_p50_s"), "time to first token only for streams");
  }

  @Test
  void streamingCountsTheSameTokensAndTimesTheFirst() {
    JsonObject j = run("--stream");
    assertEquals(12, j.getAsJsonObject("statuses").get("200").getAsInt());
    assertEquals(expectedTokens(12, 2, 5), j.get("completion_tokens").getAsLong());
    assertTrue(j.get("ttft_p50_s").getAsDouble() <= j.get("latency_max_s").getAsDouble(), j.toString());
  }

  @Test
  void refusedRequestsAreCountedByStatusAndFailTheRun() {
    CommandRun r = CommandRun.main("loadtest", "--url", url, "--requests", "3", "--clients", "1", "--max-tokens", "2",
        "--min-tokens", "1", "--api-key", "wrong");
    assertEquals(Main.FAILED, r.code(), r.out() + r.err());
    assertTrue(r.err().contains("HTTP 401"), "the models check names the status: " + r.err());
  }

  @Test
  void noServerIsOneLineNamingTheUrl() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CommandRun r = CommandRun.main("loadtest", "--url", "http://127.0.0.1:" + port, "--requests", "1");
    assertEquals(Main.FAILED, r.code());
    assertTrue(r.err().contains("no server answers at http://127.0.0.1:" + port + ": connection refused"), r.err());
  }

  @Test
  void badOptionsAreUsageErrors() {
    CommandRun r = CommandRun.main("loadtest", "--min-tokens", "9", "--max-tokens", "3");
    assertEquals(Main.USAGE, r.code());
    assertTrue(r.err().contains("--max-tokens (3) must be >= --min-tokens (9)"), r.err());
    assertEquals(Main.USAGE, CommandRun.main("loadtest", "--url", "localhost:8080").code());
    assertEquals(Main.USAGE, CommandRun.main("loadtest", "--clients", "0").code());
  }
}
