package dev.alibi4j.examples.serve;

import static dev.alibi4j.examples.serve.ServerHarness.error;
import static dev.alibi4j.examples.serve.ServerHarness.get;
import static dev.alibi4j.examples.serve.ServerHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.examples.cli.TestCheckpoints;
import dev.alibi4j.model.AlibiLM;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server listens before its model has loaded, answering 503 until then. */
class LoadingTest {

  @TempDir Path tmp;

  @Test
  void beforeTheModelLoadsHealthAndCompletionsAre503ThenServe() throws Exception {
    ModelSlot slot = ModelSlot.loading();
    try (OpenAiServer server = OpenAiServer.start(slot, new ServerConfig("127.0.0.1", 0, null, "tiny"),
        new PrintStream(OutputStream.nullOutputStream()))) {
      int port = server.port();
      HttpResponse<String> health = get(port, "/health");
      assertEquals(503, health.statusCode(), health.body());
      assertEquals("unavailable_error", error(health).get("type").getAsString());
      assertTrue(error(health).get("message").getAsString().contains("loading"), health.body());
      assertEquals("1", health.headers().firstValue("retry-after").orElse(""), "clients are told when to retry");
      for (String path : new String[] {"/v1/completions", "/v1/chat/completions"}) {
        HttpResponse<String> r = post(port, path, "{\"prompt\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"}]}");
        assertEquals(503, r.statusCode(), path + ": " + r.body());
      }
      assertEquals(200, get(port, "/v1/models").statusCode(), "the model's name is known before it loads");
      assertTrue(get(port, "/metrics").body().contains("alibi4j_model_loaded 0.0"));

      try (AlibiLM lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 5))) {
        slot.set(lm);
        assertEquals(200, get(port, "/health").statusCode());
        HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":3}");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(get(port, "/metrics").body().contains("alibi4j_model_loaded 1.0"));
      }
    }
  }
}
