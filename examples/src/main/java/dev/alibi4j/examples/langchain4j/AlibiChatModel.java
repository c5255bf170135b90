package dev.alibi4j.examples.langchain4j;

import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.Objects;

/**
 * A LangChain4j {@link ChatModel} running in process on an {@link AlibiLM}: the conversation
 * goes through the checkpoint's chat template, the request's temperature, topP, topK,
 * maxOutputTokens and stop sequences become alibi4j's, and the response carries the token usage
 * and finish reason. Calls from many threads are batched together by the model's scheduler.
 * The caller owns the model and closes it.
 */
public final class AlibiChatModel implements ChatModel {

  private final AlibiLM lm;
  private final String name;

  /** @param name reported as the response's model name */
  public AlibiChatModel(AlibiLM lm, String name) {
    this.lm = Objects.requireNonNull(lm, "lm");
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    String prompt = ChatRequests.prompt(lm, request);
    GenerationResult r = lm.generate(prompt, ChatRequests.params(request), null);
    return ChatRequests.response(r, name);
  }
}
