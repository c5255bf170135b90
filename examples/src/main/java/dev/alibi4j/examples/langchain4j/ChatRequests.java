package dev.alibi4j.examples.langchain4j;

import dev.alibi4j.engine.generation.FinishReason;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.chat.ChatMessage;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * LangChain4j's requests and responses in alibi4j's terms: messages through the checkpoint's
 * chat template, parameters to {@link GenerationParams}, results to a {@link ChatResponse}. What
 * alibi4j cannot do (tools, JSON response formats, images, frequency and presence penalties) is
 * refused with {@link UnsupportedFeatureException} rather than ignored.
 */
final class ChatRequests {

  /** Tokens generated when the request sets no {@code maxOutputTokens}. */
  static final int DEFAULT_MAX_TOKENS = 256;

  private ChatRequests() {}

  /** The prompt text: the conversation rendered by the model's chat template, cued for the reply. */
  static String prompt(AlibiLM lm, ChatRequest request) {
    List<ChatMessage> messages = new ArrayList<>();
    for (dev.langchain4j.data.message.ChatMessage m : request.messages()) {
      messages.add(switch (m) {
        case SystemMessage s -> ChatMessage.system(s.text());
        case UserMessage u when u.hasSingleText() -> ChatMessage.user(u.singleText());
        case UserMessage u -> throw new UnsupportedFeatureException("alibi4j models read text only; this user message has "
            + u.contents().size() + " parts");
        case AiMessage a when a.hasToolExecutionRequests() -> throw new UnsupportedFeatureException("alibi4j models do not call tools");
        case AiMessage a -> ChatMessage.assistant(a.text() == null ? "" : a.text());
        default -> throw new UnsupportedFeatureException("alibi4j models take system, user and AI messages, not " + m.type());
      });
    }
    return lm.chatTemplate().render(messages, true);
  }

  /** The request's parameters as alibi4j's (greedy unless a temperature is given). */
  static GenerationParams params(ChatRequest request) {
    ChatRequestParameters p = request.parameters();
    if (p.toolSpecifications() != null && !p.toolSpecifications().isEmpty()) {
      throw new UnsupportedFeatureException("alibi4j models do not call tools");
    }
    if (p.responseFormat() != null && p.responseFormat().type() != dev.langchain4j.model.chat.request.ResponseFormatType.TEXT) {
      throw new UnsupportedFeatureException("alibi4j answers in text only, not " + p.responseFormat().type());
    }
    if (p.frequencyPenalty() != null || p.presencePenalty() != null) {
      throw new UnsupportedFeatureException("frequencyPenalty and presencePenalty are not supported; "
          + "alibi4j has a repetition penalty (GenerationParams.repetitionPenalty)");
    }
    GenerationParams.Builder b = GenerationParams.builder()
        .maxNewTokens(p.maxOutputTokens() != null ? p.maxOutputTokens() : DEFAULT_MAX_TOKENS);
    if (p.temperature() != null) {
      b.temperature(p.temperature());
    }
    if (p.topP() != null) {
      b.topP(p.topP());
    }
    if (p.topK() != null) {
      b.topK(p.topK());
    }
    if (p.stopSequences() != null) {
      p.stopSequences().forEach(b::stopString);
    }
    return b.build();
  }

  /** The result as LangChain4j's response. */
  static ChatResponse response(GenerationResult r, String modelName) {
    return ChatResponse.builder()
        .aiMessage(AiMessage.from(r.text() == null ? "" : r.text()))
        .tokenUsage(new TokenUsage(r.promptTokens(), r.generatedTokens()))
        .finishReason(finishReason(r.finishReason()))
        .modelName(modelName)
        .build();
  }

  static dev.langchain4j.model.output.FinishReason finishReason(FinishReason reason) {
    return switch (reason) {
      case EOS, STOP_STRING -> dev.langchain4j.model.output.FinishReason.STOP;
      case LENGTH -> dev.langchain4j.model.output.FinishReason.LENGTH;
      case CANCELLED -> dev.langchain4j.model.output.FinishReason.OTHER;
    };
  }
}
