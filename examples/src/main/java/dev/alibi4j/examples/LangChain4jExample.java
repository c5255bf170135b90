package dev.alibi4j.examples;

import dev.alibi4j.examples.langchain4j.AlibiChatModel;
import dev.alibi4j.examples.langchain4j.AlibiStreamingChatModel;
import dev.alibi4j.model.AlibiLM;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * alibi4j behind LangChain4j's chat model interfaces, in process: one answer, then one streamed.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp examples/target/alibi4j.jar dev.alibi4j.examples.LangChain4jExample DIR "What light?"
 * </pre>
 */
public final class LangChain4jExample {

  private LangChain4jExample() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: LangChain4jExample CHECKPOINT_DIR QUESTION");
      System.exit(2);
    }
    try (AlibiLM lm = AlibiLM.load(Path.of(args[0]))) {
      ChatRequest request = ChatRequest.builder()
          .messages(SystemMessage.from("Answer briefly."), UserMessage.from(args[1]))
          .maxOutputTokens(48)
          .temperature(0.7)
          .build();
      ChatResponse answer = new AlibiChatModel(lm, args[0]).chat(request);
      System.out.println(answer.aiMessage().text());
      System.out.println("[" + answer.tokenUsage() + ", " + answer.finishReason() + "]");

      CompletableFuture<ChatResponse> done = new CompletableFuture<>();
      new AlibiStreamingChatModel(lm, args[0]).chat(request, new StreamingChatResponseHandler() {
        @Override
        public void onPartialResponse(String text) {
          System.out.print(text);
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
      System.out.println(System.lineSeparator() + "[" + done.get().finishReason() + "]");
    }
  }
}
