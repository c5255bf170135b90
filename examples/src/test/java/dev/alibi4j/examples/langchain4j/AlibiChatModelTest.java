package dev.alibi4j.examples.langchain4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.chat.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The LangChain4j chat models on the built-in model: the same text as alibi4j's own generate. */
class AlibiChatModelTest {

  private static final Path BUILTIN = Path.of("src/main/resources/dev/alibi4j/builtin");
  private static AlibiLM lm;

  @BeforeAll
  static void load() {
    lm = AlibiLM.load(BUILTIN);
  }

  @AfterAll
  static void close() {
    lm.close();
  }

  private static ChatRequest request(int maxTokens) {
    return ChatRequest.builder()
        .messages(SystemMessage.from("Speak as a Shakespeare character."), UserMessage.from("ROMEO: What light?"))
        .maxOutputTokens(maxTokens)
        .build();
  }

  private static GenerationResult direct(int maxTokens) {
    String prompt = lm.chatTemplate().render(
        List.of(ChatMessage.system("Speak as a Shakespeare character."), ChatMessage.user("ROMEO: What light?")), true);
    return lm.generate(prompt, GenerationParams.builder().maxNewTokens(maxTokens).build(), null);
  }

  @Test
  void chatGivesTheTextUsageAndFinishReasonOfAlibi4jsOwnGenerate() {
    ChatResponse r = new AlibiChatModel(lm, "builtin").chat(request(24));
    GenerationResult expected = direct(24);
    assertEquals(expected.text(), r.aiMessage().text());
    assertEquals(expected.promptTokens(), r.tokenUsage().inputTokenCount());
    assertEquals(expected.generatedTokens(), r.tokenUsage().outputTokenCount());
    assertEquals(expected.finishReason() == dev.alibi4j.engine.generation.FinishReason.LENGTH ? FinishReason.LENGTH : FinishReason.STOP,
        r.finishReason());
    assertEquals("builtin", r.modelName());
  }

  @Test
  void streamingDeliversThePiecesThenTheWholeResponse() throws Exception {
    StringBuilder pieces = new StringBuilder();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    new AlibiStreamingChatModel(lm, "builtin").chat(request(24), new StreamingChatResponseHandler() {
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
    assertEquals(direct(24).text(), r.aiMessage().text());
    assertEquals(r.aiMessage().text(), pieces.toString());
  }

  @Test
  void whatAlibi4jCannotDoIsRefusedNotIgnored() {
    ChatRequest penalized = ChatRequest.builder().messages(UserMessage.from("hi")).frequencyPenalty(0.5).build();
    var e = assertThrows(UnsupportedFeatureException.class, () -> new AlibiChatModel(lm, "builtin").chat(penalized));
    assertTrue(e.getMessage().contains("frequencyPenalty"), e.getMessage());
  }
}
