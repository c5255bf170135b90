package dev.alibi4j.examples.serve;

import static dev.alibi4j.examples.serve.ServerHarness.error;
import static dev.alibi4j.examples.serve.ServerHarness.get;
import static dev.alibi4j.examples.serve.ServerHarness.json;
import static dev.alibi4j.examples.serve.ServerHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.examples.cli.TestCheckpoints;
import dev.alibi4j.model.AlibiLM;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over a tiny random checkpoint: answers, streams, errors and many clients at once. */
class OpenAiServerTest {

  @TempDir static Path tmp;
  static AlibiLM lm;
  static OpenAiServer server;
  static int port;
  static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();

  @BeforeAll
  static void start() {
    lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 7));
    server = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, null, "tiny"),
        new PrintStream(LOG, true, StandardCharsets.UTF_8));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    lm.close();
  }

  private static String greedy(String prompt, int maxTokens) {
    return lm.generate(lm.encode(prompt), GenerationParams.builder().maxNewTokens(maxTokens).temperature(0).build(), null).text();
  }

  @Test
  void completionAnswersAsOpenAiWithTheGreedyText() throws Exception {
    HttpResponse<String> r = post(port, "/v1/completions",
        "{\"model\":\"tiny\",\"prompt\":\"To be or not\",\"max_tokens\":12,\"temperature\":0}");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    JsonObject body = json(r);
    assertTrue(body.get("id").getAsString().startsWith("cmpl-"));
    assertEquals("text_completion", body.get("object").getAsString());
    assertEquals("tiny", body.get("model").getAsString());
    assertTrue(body.get("created").getAsLong() > 0);
    JsonObject choice = body.getAsJsonArray("choices").get(0).getAsJsonObject();
    assertEquals(0, choice.get("index").getAsInt());
    assertEquals(greedy("To be or not", 12), choice.get("text").getAsString());
    assertEquals("length", choice.get("finish_reason").getAsString());
    JsonObject usage = body.getAsJsonObject("usage");
    int promptTokens = lm.encode("To be or not").length;
    assertEquals(promptTokens, usage.get("prompt_tokens").getAsInt());
    assertEquals(12, usage.get("completion_tokens").getAsInt());
    assertEquals(promptTokens + 12, usage.get("total_tokens").getAsInt());
  }

  @Test
  void chatWithoutATemplateRendersThePlainDefault() throws Exception {
    HttpResponse<String> r = post(port, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}],"
            + "\"max_tokens\":10,\"temperature\":0}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject body = json(r);
    assertTrue(body.get("id").getAsString().startsWith("chatcmpl-"));
    assertEquals("chat.completion", body.get("object").getAsString());
    JsonObject message = body.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("message");
    assertEquals("assistant", message.get("role").getAsString());
    assertEquals(greedy("system: Be brief.\nuser: Hello\nassistant:", 10), message.get("content").getAsString());
  }

  @Test
  void streamingSendsDataEventsThenDoneWithTheSameText() throws Exception {
    String request = "{\"prompt\":\"Now is the winter\",\"max_tokens\":20,\"temperature\":0,\"stream\":true,"
        + "\"stream_options\":{\"include_usage\":true}}";
    HttpResponse<String> r = post(port, "/v1/completions", request);
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
    List<JsonObject> chunks = chunks(r.body());
    StringBuilder text = new StringBuilder();
    for (JsonObject c : chunks) {
      assertEquals("text_completion", c.get("object").getAsString());
      if (!c.getAsJsonArray("choices").isEmpty()) {
        text.append(c.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
      }
    }
    assertEquals(greedy("Now is the winter", 20), text.toString());
    JsonObject last = chunks.get(chunks.size() - 1);
    assertTrue(last.getAsJsonArray("choices").isEmpty());
    assertEquals(20, last.getAsJsonObject("usage").get("completion_tokens").getAsInt());
    JsonObject finish = chunks.get(chunks.size() - 2).getAsJsonArray("choices").get(0).getAsJsonObject();
    assertEquals("length", finish.get("finish_reason").getAsString());
  }

  @Test
  void chatStreamingSendsTheRoleFirstAndDeltas() throws Exception {
    HttpResponse<String> r = post(port, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":8,\"temperature\":0,\"stream\":true}");
    assertEquals(200, r.statusCode(), r.body());
    List<JsonObject> chunks = chunks(r.body());
    JsonObject firstDelta = chunks.get(0).getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta");
    assertEquals("assistant", firstDelta.get("role").getAsString());
    StringBuilder text = new StringBuilder();
    for (JsonObject c : chunks) {
      assertEquals("chat.completion.chunk", c.get("object").getAsString());
      JsonObject delta = c.getAsJsonArray("choices").get(0).getAsJsonObject().getAsJsonObject("delta");
      if (delta.has("content")) {
        text.append(delta.get("content").getAsString());
      }
    }
    assertEquals(greedy("user: Hi\nassistant:", 8), text.toString());
  }

  @Test
  void stopStringsEndTheTextBeforeThemAndFinishWithStop() throws Exception {
    String full = greedy("Once upon", 30);
    // A two-character stop string first seen after some text: the answer is that text.
    int at = 3;
    while (full.indexOf(full.substring(at, at + 2)) != at) {
      at++;
    }
    String stop = full.substring(at, at + 2);
    String expected = full.substring(0, at);
    HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\":\"Once upon\",\"max_tokens\":30,"
        + "\"temperature\":0,\"stop\":[" + quote(stop) + "]}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject choice = json(r).getAsJsonArray("choices").get(0).getAsJsonObject();
    assertEquals(expected, choice.get("text").getAsString());
    assertEquals("stop", choice.get("finish_reason").getAsString());
    HttpResponse<String> streamed = post(port, "/v1/completions", "{\"prompt\":\"Once upon\",\"max_tokens\":30,"
        + "\"temperature\":0,\"stream\":true,\"stop\":" + quote(stop) + "}");
    StringBuilder text = new StringBuilder();
    for (JsonObject c : chunks(streamed.body())) {
      text.append(c.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
    }
    assertEquals(expected, text.toString());
  }

  @Test
  void badFieldsAreRefusedWith400NamingThem() throws Exception {
    assertBad("{\"prompt\":\"a\",\"max_tokens\":-1}", "max_tokens");
    assertBad("{\"prompt\":\"a\",\"temperature\":\"hot\"}", "temperature");
    assertBad("{\"prompt\":\"a\",\"n\":2}", "n");
    assertBad("{\"prompt\":\"a\",\"logprobs\":21}", "logprobs");
    assertBad("{\"prompt\":\"a\",\"logprobs\":true}", "logprobs");
    assertBad("{\"prompt\":\"a\",\"top_logprobs\":2}", "top_logprobs");
    assertBad("{\"prompt\":\"a\",\"top_p\":0}", "top_p");
    assertBad("{\"prompt\":\"a\",\"stop\":3}", "stop");
    assertBad("{\"prompt\":\"a\",\"stream\":\"yes\"}", "stream");
    assertBad("{\"max_tokens\":3}", "prompt");
    assertBad("{\"prompt\":\"a\",\"max_tokens\":2000000000}", "prompt"); // past the context
    HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\": ");
    assertEquals(400, r.statusCode());
    assertTrue(error(r).get("message").getAsString().contains("not valid JSON"), r.body());
    HttpResponse<String> chat = post(port, "/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":3}]}");
    assertEquals(400, chat.statusCode());
    assertEquals("messages[0].content", error(chat).get("param").getAsString());
  }

  private static void assertBad(String body, String param) throws Exception {
    HttpResponse<String> r = post(port, "/v1/completions", body);
    assertEquals(400, r.statusCode(), r.body());
    JsonObject e = error(r);
    assertEquals(param, e.get("param").getAsString(), r.body());
    assertEquals("invalid_request_error", e.get("type").getAsString());
    assertTrue(e.get("code").isJsonNull());
    assertFalse(r.body().contains("\tat "), "no stack trace: " + r.body());
  }

  @Test
  void unknownModelAndPathAre404() throws Exception {
    HttpResponse<String> model = post(port, "/v1/completions", "{\"model\":\"gpt-4\",\"prompt\":\"a\"}");
    assertEquals(404, model.statusCode());
    assertEquals("model", error(model).get("param").getAsString());
    HttpResponse<String> path = get(port, "/v1/nothing");
    assertEquals(404, path.statusCode());
    assertTrue(error(path).get("message").getAsString().contains("/v1/nothing"));
  }

  @Test
  void modelsAndHealth() throws Exception {
    HttpResponse<String> models = get(port, "/v1/models");
    assertEquals(200, models.statusCode());
    JsonObject model = json(models).getAsJsonArray("data").get(0).getAsJsonObject();
    assertEquals("tiny", model.get("id").getAsString());
    assertEquals("model", model.get("object").getAsString());
    HttpResponse<String> health = get(port, "/health");
    assertEquals(200, health.statusCode());
    assertEquals("ok", json(health).get("status").getAsString());
  }

  @Test
  void metricsCountRequestsAndTokensInPrometheusText() throws Exception {
    post(port, "/v1/completions", "{\"prompt\":\"count me\",\"max_tokens\":4,\"temperature\":0}");
    String series = "alibi4j_requests_total{endpoint=\"/v1/completions\",status=\"200\"}";
    long deadline = System.nanoTime() + 5_000_000_000L; // recorded just after the answer is sent
    HttpResponse<String> m = get(port, "/metrics");
    while (!m.body().contains(series) && System.nanoTime() < deadline) {
      Thread.sleep(10);
      m = get(port, "/metrics");
    }
    assertEquals(200, m.statusCode());
    assertTrue(m.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
    for (String expected : new String[] {series, "alibi4j_generated_tokens_total", "alibi4j_queue_length",
        "alibi4j_running_requests", "alibi4j_decode_passes_total", "alibi4j_request_seconds_bucket",
        "alibi4j_prefill_seconds_count"}) {
      assertTrue(m.body().contains(expected), "missing " + expected + " in\n" + m.body());
    }
  }

  @Test
  void chatUsesTheCheckpointsOwnTemplate() throws Exception {
    Path dir = TestCheckpoints.printable(tmp.resolve("chatml"), 7);
    java.nio.file.Files.writeString(dir.resolve("tokenizer_config.json"), "{\"chat_template\": \"{% for m in messages %}"
        + "<{{ m['role'] }}>{{ m['content'] }}</{{ m['role'] }}>{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}\"}");
    try (AlibiLM chatLm = AlibiLM.load(dir);
        OpenAiServer chatServer = OpenAiServer.start(chatLm, new ServerConfig("127.0.0.1", 0, null, "tiny"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      HttpResponse<String> r = post(chatServer.port(), "/v1/chat/completions",
          "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":8,\"temperature\":0}");
      assertEquals(200, r.statusCode(), r.body());
      String expected = chatLm.generate(chatLm.encode("<user>Hello</user><assistant>"),
          GenerationParams.builder().maxNewTokens(8).temperature(0).build(), null).text();
      assertEquals(expected, json(r).getAsJsonArray("choices").get(0).getAsJsonObject()
          .getAsJsonObject("message").get("content").getAsString());
    }
  }

  @Test
  void eachRequestLogsOneLineWithoutThePrompt() throws Exception {
    post(port, "/v1/completions", "{\"prompt\":\"secret words\",\"max_tokens\":3,\"temperature\":0}");
    // The line is written once the answer is sent, so it may come a moment after the client has it.
    java.util.function.Predicate<String> line = l -> l.startsWith("serve: POST /v1/completions 200 prompt_tokens=")
        && l.contains("completion_tokens=3 ");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (LOG.toString(StandardCharsets.UTF_8).lines().noneMatch(line) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    String log = LOG.toString(StandardCharsets.UTF_8);
    assertFalse(log.contains("secret words"));
    assertTrue(log.lines().anyMatch(line), log);
  }

  @Test
  void apiKeyIsRequiredWhenSet() throws Exception {
    try (OpenAiServer guarded = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, "s3cret", "tiny"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
      HttpResponse<String> none = get(guarded.port(), "/v1/models");
      assertEquals(401, none.statusCode());
      assertTrue(error(none).get("message").getAsString().contains("Authorization"));
      assertEquals(401, get(guarded.port(), "/v1/models", "Authorization", "Bearer wrong").statusCode());
      assertEquals(200, get(guarded.port(), "/v1/models", "Authorization", "Bearer s3cret").statusCode());
    }
  }

  @Test
  void aPortInUseIsOneLineInWords() {
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> OpenAiServer.start(lm, new ServerConfig("127.0.0.1", port, null, "tiny"), System.err));
    assertTrue(e.getMessage().startsWith("cannot listen on 127.0.0.1:" + port + ": address already in use"), e.getMessage());
  }

  @Test
  void manyClientsAtOnceGetWhatEachGetsAlone() throws Exception {
    // 32 clients send 4 greedy requests each, half of them streamed; each answer must be the one
    // the same request gets alone.
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < 128; i++) {
      requests.add("{\"prompt\":\"Request " + i + (i % 3 == 0 ? " with a longer prompt here" : "")
          + "\",\"max_tokens\":" + (4 + i % 13) + ",\"temperature\":0" + (i % 2 == 0 ? ",\"stream\":true" : "") + "}");
    }
    List<String> alone = new ArrayList<>();
    for (String request : requests) {
      alone.add(text(post(port, "/v1/completions", request)));
    }
    try (ExecutorService clients = Executors.newFixedThreadPool(32)) {
      List<Future<List<String>>> together = new ArrayList<>();
      for (int c = 0; c < 32; c++) {
        int client = c;
        together.add(clients.submit(() -> {
          List<String> answers = new ArrayList<>();
          for (int k = 0; k < 4; k++) {
            answers.add(text(post(port, "/v1/completions", requests.get(4 * client + k))));
          }
          return answers;
        }));
      }
      for (int c = 0; c < 32; c++) {
        List<String> answers = together.get(c).get();
        for (int k = 0; k < 4; k++) {
          assertEquals(alone.get(4 * c + k), answers.get(k), requests.get(4 * c + k));
        }
      }
    }
  }

  /** The completion text of a plain or streamed answer. */
  static String text(HttpResponse<String> r) {
    assertEquals(200, r.statusCode(), r.body());
    if (r.body().startsWith("data:")) {
      StringBuilder text = new StringBuilder();
      for (JsonObject c : chunks(r.body())) {
        text.append(c.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString());
      }
      return text.toString();
    }
    return json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString();
  }

  /** The JSON chunks of an event stream, checking its framing: data lines, blank lines, [DONE] last. */
  static List<JsonObject> chunks(String body) {
    assertTrue(body.endsWith("data: [DONE]\n\n"), body);
    List<JsonObject> chunks = new ArrayList<>();
    String[] events = body.split("\n\n");
    for (int i = 0; i < events.length - 1; i++) {
      assertTrue(events[i].startsWith("data: ") && !events[i].contains("\n"), "event " + i + ": " + events[i]);
      JsonElement e = JsonParser.parseString(events[i].substring("data: ".length()));
      chunks.add(e.getAsJsonObject());
    }
    return chunks;
  }

  /** {@code s} as a JSON string literal. */
  private static String quote(String s) {
    return new com.google.gson.JsonPrimitive(s).toString();
  }
}
