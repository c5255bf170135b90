package dev.alibi4j.examples.langchain4j;

import dev.alibi4j.model.AlibiLM;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import java.util.Objects;

/**
 * A LangChain4j {@link StreamingChatModel} on an {@link AlibiLM} (see {@link AlibiChatModel}):
 * returns at once; the handler gets each piece of text as it is generated, then the complete
 * response, or the error. The handler is called on alibi4j's scheduler thread, between decoding
 * steps of every request: it should hand the text on and return quickly.
 */
public final class AlibiStreamingChatModel implements StreamingChatModel {

  private final AlibiLM lm;
  private final String name;

  /** @param name reported as the response's model name */
  public AlibiStreamingChatModel(AlibiLM lm, String name) {
    this.lm = Objects.requireNonNull(lm, "lm");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    try {
      String prompt = ChatRequests.prompt(lm, request);
      lm.generateAsync(prompt, ChatRequests.params(request), (id, text) -> {
        if (!text.isEmpty()) {
          handler.onPartialResponse(text);
        }
      }, null).whenComplete((r, e) -> {
        if (e != null) {
          handler.onError(e instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e);
        } else {
          handler.onCompleteResponse(ChatRequests.response(r, name));
        }
      });
    } catch (RuntimeException e) {
      handler.onError(e);
    }
  }
}
