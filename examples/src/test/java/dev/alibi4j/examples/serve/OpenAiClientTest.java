package dev.alibi4j.examples.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.examples.cli.TestCheckpoints;
import dev.alibi4j.model.AlibiLM;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.output.FinishReason;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real client: LangChain4j's OpenAI models, pointed at a local serve with an API key. */
class OpenAiClientTest {

  @TempDir static Path tmp;
  static AlibiLM lm;
  static OpenAiServer server;

  @BeforeAll
  static void start() {
    lm = AlibiLM.load(TestCheckpoints.printable(tmp.resolve("model"), 11));
    server = OpenAiServer.start(lm, new ServerConfig("127.0.0.1", 0, "s3cret", "tiny"),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    server.close();
    lm.close();
  }

  private static String base() {
    return "http://127.0.0.1:" + server.port() + "/v1";
  }

  private static String alone(String prompt, int maxTokens) {
    return lm.generate(lm.encode(prompt), GenerationParams.builder().maxNewTokens(maxTokens).build(), null).text();
  }

  @Test
  void chatModelReadsTheLogprobs() {
    OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(base()).apiKey("s3cret").modelName("tiny")
        .temperature(0.0).maxTokens(6).logprobs(true).topLogprobs(2).build();
    ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from("Hello"));
    var logprobs = ((dev.langchain4j.model.openai.OpenAiChatResponseMetadata) r.metadata()).logProbs();
    assertEquals(6, logprobs.size(), "one per generated token: " + logprobs);
    StringBuilder text = new StringBuilder();
    for (var lp : logprobs) {
      text.append(lp.token());
      assertTrue(lp.logprob() <= 0, lp.toString());
      assertEquals(2, lp.topLogprobs().size(), lp.toString());
      assertEquals(lp.token(), lp.topLogprobs().get(0).token(), "greedy: the chosen token is the likeliest");
      assertEquals(lp.logprob(), lp.topLogprobs().get(0).logprob(), 0.0);
      assertFalse(lp.bytes().isEmpty());
    }
    assertEquals(r.aiMessage().text(), text.toString(), "the tokens spell the answer");
  }

  @Test
  void chatModelGetsTheGreedyAnswerWithUsage() {
    OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(base()).apiKey("s3cret").modelName("tiny")
        .temperature(0.0).maxTokens(10).build();
    ChatResponse r = model.chat(dev.langchain4j.data.message.UserMessage.from("Hello"));
    assertEquals(alone("user: Hello\nassistant:", 10), r.aiMessage().text());
    assertEquals(10, r.tokenUsage().outputTokenCount());
    assertEquals(FinishReason.LENGTH, r.finishReason());
  }

  @Test
  void streamingModelStreamsTheSameAnswer() throws Exception {
    OpenAiStreamingChatModel model = OpenAiStreamingChatModel.builder().baseUrl(base()).apiKey("s3cret")
        .modelName("tiny").temperature(0.0).maxTokens(12).build();
    StringBuilder pieces = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    model.chat("Hello", new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partial) {
        pieces.append(partial);
      }

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    });
    ChatResponse r = done.get(60, TimeUnit.SECONDS);
    assertEquals(alone("user: Hello\nassistant:", 12), pieces.toString());
    assertEquals(pieces.toString(), r.aiMessage().text());
  }

  @Test
  void aWrongKeyIsRefused() {
    OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(base()).apiKey("wrong").modelName("tiny")
        .maxRetries(0).build();
    assertThrows(RuntimeException.class, () -> model.chat("Hello"));
  }
}
