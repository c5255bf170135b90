package dev.alibi4j.examples.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alibi4j.examples.cli.TestCheckpoints;
import dev.alibi4j.model.AlibiLM;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that closes its connection while its answer is generated (not streamed, so nothing is
 * written that could fail) has its generation cancelled at once: by a FIN, or by a reset.
 */
class DisconnectTest {

  @TempDir static Path tmp;
  static AlibiLM lm;
  static OpenAiServer server;
  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 3));
    server = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, null, "tiny"),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
    lm.close();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({"/v1/completions, fin", "/v1/completions, reset", "/v1/chat/completions, fin"})
  void aClientThatLeavesIsCancelledAtOnce(String path, String how) throws Exception {
    assumeTrue(TcpTable.available(), "disconnects are watched through Linux's /proc/self/net/tcp");
    int maxTokens = lm.maxContext() - 32; // far longer than the test: only a cancel ends it soon
    String body = path.contains("chat")
        ? "{\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"max_tokens\":" + maxTokens + ",\"temperature\":0}"
        : "{\"prompt\":\"go on\",\"max_tokens\":" + maxTokens + ",\"temperature\":0}";
    int before = lines(path);
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
    OutputStream out = socket.getOutputStream();
    byte[] json = body.getBytes(StandardCharsets.UTF_8);
    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
        + json.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(json);
    out.flush();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (lm.scheduler().running() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(1, lm.scheduler().running(), "the request is generating");
    Thread.sleep(200); // some tokens in
    if (how.equals("reset")) {
      socket.setSoLinger(true, 0);
    }
    socket.close();
    long closedAt = System.nanoTime();
    while (lm.scheduler().running() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    double seconds = (System.nanoTime() - closedAt) / 1e9;
    assertEquals(0, lm.scheduler().running(), "the generation still runs " + seconds + " s after the client left");
    // The watcher reads the table every 100 ms; a reset needs two reads. Generous for a slow CI.
    assertTrue(seconds < 3, "cancelled after " + seconds + " s");
    while (lines(path) == before && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    String log = LOG.toString(StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("serve: POST " + Pattern.quote(path) + " 499 prompt_tokens=\\d+ completion_tokens=(\\d+)")
        .matcher(log);
    int last = -1;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    assertTrue(last >= 0, "no 499 line for " + path + " in:\n" + log);
    assertTrue(last < maxTokens, "cancelled early: " + last + " of " + maxTokens + " tokens");
  }

  private static int lines(String path) {
    return (int) LOG.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("serve: POST " + path + " ")).count();
  }
}
