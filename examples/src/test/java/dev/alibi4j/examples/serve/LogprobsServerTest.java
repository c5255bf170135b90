package dev.alibi4j.examples.serve;

import static dev.alibi4j.examples.serve.ServerHarness.error;
import static dev.alibi4j.examples.serve.ServerHarness.json;
import static dev.alibi4j.examples.serve.ServerHarness.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.examples.cli.TestCheckpoints;
import dev.alibi4j.model.AlibiLM;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code logprobs} and {@code top_logprobs} on the wire, their values checked against a float64
 * log-softmax of the model's own logits for the prompt plus the answer (one full forward pass).
 */
class LogprobsServerTest {

  @TempDir static Path tmp;
  static AlibiLM lm;
  static OpenAiServer server;
  static int port;

  @BeforeAll
  static void start() {
    lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 11));
    server = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, null, "tiny"), new java.io.PrintStream(OutputStream.nullOutputStream()));
    port = server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
    lm.close();
  }

  /** log(exp(x_i) / Σ exp(x_j)) in double, from the definition (max subtracted: same value). */
  private static double[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : logits) {
      max = Math.max(max, x);
    }
    double z = 0;
    for (float x : logits) {
      z += Math.exp(x - max);
    }
    double[] out = new double[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = Math.log(Math.exp(logits[i] - max) / z);
    }
    return out;
  }

  /** The reference distribution before each answer token: rows of one forward pass. */
  private static double[][] reference(int[] prompt, int[] answer) {
    int[] all = Arrays.copyOf(prompt, prompt.length + answer.length);
    System.arraycopy(answer, 0, all, prompt.length, answer.length);
    float[][] logits = lm.logits(all); // [positions, vocab]
    double[][] out = new double[answer.length][];
    for (int t = 0; t < answer.length; t++) {
      out[t] = logSoftmax(logits[prompt.length - 1 + t]);
    }
    return out;
  }

  private static int[] ids(String text) {
    return lm.encode(text);
  }

  private static int[] greedy(String prompt, int n) {
    return lm.generate(ids(prompt), GenerationParams.builder().maxNewTokens(n).temperature(0).build(), null).ids();
  }

  private static int argmaxExcept(double[] row, List<Integer> taken) {
    int best = -1;
    for (int i = 0; i < row.length; i++) {
      if (!taken.contains(i) && (best < 0 || row[i] > row[best])) {
        best = i;
      }
    }
    return best;
  }

  @Test
  void completionLogprobsMatchTheModelsDistribution() throws Exception {
    String prompt = "To be or not";
    HttpResponse<String> r = post(port, "/v1/completions",
        "{\"prompt\":\"" + prompt + "\",\"max_tokens\":10,\"temperature\":0,\"logprobs\":3}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject choice = json(r).getAsJsonArray("choices").get(0).getAsJsonObject();
    String text = choice.get("text").getAsString();
    JsonObject logprobs = choice.getAsJsonObject("logprobs");
    JsonArray tokens = logprobs.getAsJsonArray("tokens");
    assertEquals(json(r).getAsJsonObject("usage").get("completion_tokens").getAsInt(), tokens.size());
    int[] answer = greedy(prompt, 10); // the server's answer: batching changes no token (tested elsewhere)
    assertEquals(lm.decode(answer), text);
    assertEquals(tokens.size(), answer.length, text);
    double[][] expected = reference(ids(prompt), answer);
    for (int t = 0; t < answer.length; t++) {
      assertEquals(lm.decode(new int[] {answer[t]}), tokens.get(t).getAsString());
      assertEquals(expected[t][answer[t]], logprobs.getAsJsonArray("token_logprobs").get(t).getAsDouble(), 2e-4, "token " + t);
      assertEquals(lm.decode(Arrays.copyOf(answer, t)).codePointCount(0, lm.decode(Arrays.copyOf(answer, t)).length()),
          logprobs.getAsJsonArray("text_offset").get(t).getAsInt(), "characters before token " + t);
      JsonObject top = logprobs.getAsJsonArray("top_logprobs").get(t).getAsJsonObject();
      assertEquals(3, top.size(), "greedy: the chosen token is among the top 3: " + top);
      List<Integer> taken = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        int id = argmaxExcept(expected[t], taken);
        taken.add(id);
        String key = lm.decode(new int[] {id});
        assertTrue(top.has(key), "token " + t + ": top " + i + " '" + key + "' missing from " + top);
        assertEquals(expected[t][id], top.get(key).getAsDouble(), 2e-4, "token " + t + " top " + i);
      }
    }
  }

  @Test
  void chatLogprobsCarryBytesAndTopAlternatives() throws Exception {
    HttpResponse<String> r = post(port, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"max_tokens\":8,\"temperature\":0,"
            + "\"logprobs\":true,\"top_logprobs\":2}");
    assertEquals(200, r.statusCode(), r.body());
    JsonObject choice = json(r).getAsJsonArray("choices").get(0).getAsJsonObject();
    String content = choice.getAsJsonObject("message").get("content").getAsString();
    JsonArray entries = choice.getAsJsonObject("logprobs").getAsJsonArray("content");
    assertEquals(8, entries.size());
    String prompt = "user: Hi\nassistant:"; // the plain default template
    int[] answer = greedy(prompt, 8);
    assertEquals(lm.decode(answer), content);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    for (int t = 0; t < entries.size(); t++) {
      JsonObject e = entries.get(t).getAsJsonObject();
      for (JsonElement b : e.getAsJsonArray("bytes")) {
        bytes.write(b.getAsInt());
      }
      assertEquals(lm.decode(new int[] {answer[t]}), e.get("token").getAsString(), "token " + t);
      JsonArray top = e.getAsJsonArray("top_logprobs");
      assertEquals(2, top.size());
      assertEquals(e.get("token").getAsString(), top.get(0).getAsJsonObject().get("token").getAsString(), "greedy");
      assertTrue(top.get(0).getAsJsonObject().get("logprob").getAsDouble() >= top.get(1).getAsJsonObject().get("logprob").getAsDouble());
    }
    assertEquals(content, bytes.toString(StandardCharsets.UTF_8), "the tokens' bytes join into the answer");
    double[][] expected = reference(ids(prompt), answer);
    for (int t = 0; t < answer.length; t++) {
      assertEquals(expected[t][answer[t]], entries.get(t).getAsJsonObject().get("logprob").getAsDouble(), 2e-4, "token " + t);
    }
  }

  @Test
  void streamedLogprobsAddUpToTheWholeAnswers() throws Exception {
    for (String path : new String[] {"/v1/completions", "/v1/chat/completions"}) {
      boolean chat = path.contains("chat");
      String input = chat ? "\"messages\":[{\"role\":\"user\",\"content\":\"Tell\"}]" : "\"prompt\":\"Tell\"";
      String options = chat ? "\"logprobs\":true,\"top_logprobs\":1" : "\"logprobs\":1";
      String request = "{" + input + ",\"max_tokens\":12,\"temperature\":0," + options;
      JsonObject whole = json(post(port, path, request + "}")).getAsJsonArray("choices").get(0).getAsJsonObject()
          .getAsJsonObject("logprobs");
      List<JsonObject> chunks = OpenAiServerTest.chunks(post(port, path, request + ",\"stream\":true}").body());
      JsonArray streamed = new JsonArray();
      Map<String, JsonArray> lists = new java.util.HashMap<>();
      for (JsonObject c : chunks) {
        JsonElement lp = c.getAsJsonArray("choices").get(0).getAsJsonObject().get("logprobs");
        if (lp == null || lp.isJsonNull()) {
          continue;
        }
        if (chat) {
          streamed.addAll(lp.getAsJsonObject().getAsJsonArray("content"));
        } else {
          for (String key : new String[] {"tokens", "token_logprobs", "top_logprobs", "text_offset"}) {
            lists.computeIfAbsent(key, k -> new JsonArray()).addAll(lp.getAsJsonObject().getAsJsonArray(key));
          }
        }
      }
      if (chat) {
        assertEquals(whole.getAsJsonArray("content"), streamed, path);
      } else {
        for (String key : lists.keySet()) {
          assertEquals(whole.getAsJsonArray(key), lists.get(key), path + " " + key);
        }
        assertEquals(4, lists.size());
      }
    }
  }

  @Test
  void withoutLogprobsTheFieldIsNull() throws Exception {
    HttpResponse<String> r = post(port, "/v1/completions", "{\"prompt\":\"a\",\"max_tokens\":2}");
    assertTrue(json(r).getAsJsonArray("choices").get(0).getAsJsonObject().get("logprobs").isJsonNull(), r.body());
    HttpResponse<String> chat = post(port, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"max_tokens\":2,\"logprobs\":false}");
    assertTrue(json(chat).getAsJsonArray("choices").get(0).getAsJsonObject().get("logprobs").isJsonNull(), chat.body());
  }

  @Test
  void badLogprobsFieldsAreNamed() throws Exception {
    HttpResponse<String> r = post(port, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"top_logprobs\":2}");
    assertEquals(400, r.statusCode(), r.body());
    assertEquals("top_logprobs", error(r).get("param").getAsString());
    assertTrue(error(r).get("message").getAsString().contains("'logprobs': true"), r.body());
    HttpResponse<String> many = post(port, "/v1/chat/completions",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"a\"}],\"logprobs\":true,\"top_logprobs\":21}");
    assertEquals(400, many.statusCode(), many.body());
    assertEquals("top_logprobs", error(many).get("param").getAsString());
  }
}
