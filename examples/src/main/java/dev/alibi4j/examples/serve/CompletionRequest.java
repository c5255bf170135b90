package dev.alibi4j.examples.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.alibi4j.engine.generation.GenerationParams;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code /v1/completions} or {@code /v1/chat/completions} request, checked field by field.
 * Sampling defaults follow OpenAI (temperature 1, top_p 1); send {@code "temperature": 0} for
 * greedy decoding. Fields we cannot honour yet are refused with a 400 naming them rather than
 * ignored; fields that change nothing here ({@code user}, penalties at 0) are accepted.
 *
 * @param model the {@code model} field, or null when absent
 * @param prompt the text to continue (for chat: the messages through the model's chat template)
 */
record CompletionRequest(
    String model, String prompt, GenerationParams params, boolean stream, boolean includeUsage) {

  /** Most alternatives per token a request may ask for (OpenAI's chat limit; vLLM's default). */
  static final int MAX_TOP_LOGPROBS = 20;

  /** Fields refused, and the value each may hold when it asks for nothing ("off"). */
  private static final List<Object[]> UNSUPPORTED = List.of(
      new Object[] {"echo", false},
      new Object[] {"suffix", ""}, new Object[] {"best_of", 1}, new Object[] {"logit_bias", "{}"},
      new Object[] {"presence_penalty", 0}, new Object[] {"frequency_penalty", 0},
      new Object[] {"tools", null}, new Object[] {"tool_choice", null}, new Object[] {"functions", null},
      new Object[] {"function_call", null}, new Object[] {"response_format", null});

  /** @param template renders chat messages into the prompt (the model's chat template) */
  static CompletionRequest parse(String body, Kind kind,
      java.util.function.Function<List<dev.alibi4j.model.chat.ChatMessage>, String> template) {
    JsonObject json;
    try {
      JsonElement e = JsonParser.parseString(body == null ? "" : body);
      if (!e.isJsonObject()) {
        throw ApiError.badRequest(null, "the request body must be a JSON object");
      }
      json = e.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw ApiError.badRequest(null, "the request body is not valid JSON: " + firstLine(e.getMessage()));
    }
    Fields f = new Fields(json);
    for (Object[] u : UNSUPPORTED) {
      String name = (String) u[0];
      if (u[1] == null ? f.present(name) : isSet(f, name, u[1])) {
        throw ApiError.badRequest(name, "'" + name + "' is not supported yet");
      }
    }
    Long n = f.integer("n");
    if (n != null && n != 1) {
      throw ApiError.badRequest("n", "'n' must be 1: one choice per request is supported, got " + n);
    }
    String prompt = kind == Kind.CHAT ? render(template, ChatMessages.parse(f.raw("messages"))) : prompt(f);
    boolean stream = Boolean.TRUE.equals(f.bool("stream"));
    boolean includeUsage = stream && includeUsage(f);
    return new CompletionRequest(f.string("model"), prompt, params(f, kind), stream, includeUsage);
  }

  private static String render(
      java.util.function.Function<List<dev.alibi4j.model.chat.ChatMessage>, String> template,
      List<dev.alibi4j.model.chat.ChatMessage> messages) {
    try {
      return template.apply(messages);
    } catch (IllegalArgumentException e) { // the template refused the conversation, or failed
      throw ApiError.badRequest("messages", e.getMessage());
    }
  }

  private static boolean isSet(Fields f, String name, Object off) {
    if ("".equals(off)) {
      String s = f.present(name) && f.raw(name).isJsonPrimitive() ? f.raw(name).getAsString() : null;
      return f.present(name) && !"".equals(s);
    }
    return f.setOtherThan(name, off);
  }

  private static String prompt(Fields f) {
    JsonElement p = f.raw("prompt");
    if (p == null) {
      throw ApiError.badRequest("prompt", "'prompt' is required");
    }
    // OpenAI also takes a one-element list of strings: accept that, refuse batches.
    if (p instanceof JsonArray a && a.size() == 1 && a.get(0) instanceof JsonPrimitive s && s.isString()) {
      return s.getAsString();
    }
    if (!(p instanceof JsonPrimitive s) || !s.isString()) {
      throw ApiError.badRequest("prompt", "'prompt' must be a string (token-id prompts and batches are not supported yet)");
    }
    return s.getAsString();
  }

  private static boolean includeUsage(Fields f) {
    JsonElement options = f.raw("stream_options");
    if (options == null) {
      return false;
    }
    if (!(options instanceof JsonObject o)) {
      throw ApiError.badRequest("stream_options", "'stream_options' must be an object");
    }
    return Boolean.TRUE.equals(new Fields(o).bool("include_usage"));
  }

  private static GenerationParams params(Fields f, Kind kind) {
    GenerationParams.Builder b = GenerationParams.builder();
    String maxName = kind == Kind.CHAT && f.present("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
    Integer maxTokens = f.integer(maxName, 1, Integer.MAX_VALUE);
    b.maxNewTokens(maxTokens == null ? kind.defaultMaxTokens : maxTokens);
    b.logprobs(logprobs(f, kind));
    Double temperature = f.number("temperature");
    if (temperature != null && temperature < 0) {
      throw ApiError.badRequest("temperature", "'temperature' must be >= 0, got " + temperature);
    }
    b.temperature(temperature == null ? 1.0 : temperature);
    Double topP = f.number("top_p");
    if (topP != null) {
      if (topP <= 0 || topP > 1) {
        throw ApiError.badRequest("top_p", "'top_p' must be in (0, 1], got " + topP);
      }
      b.topP(topP);
    }
    Integer topK = f.integer("top_k", 0, Integer.MAX_VALUE);
    if (topK != null) {
      b.topK(topK);
    }
    Double penalty = f.number("repetition_penalty");
    if (penalty != null) {
      if (penalty <= 0) {
        throw ApiError.badRequest("repetition_penalty", "'repetition_penalty' must be > 0, got " + penalty);
      }
      b.repetitionPenalty(penalty);
    }
    Long seed = f.integer("seed");
    if (seed != null) {
      b.seed(seed);
    }
    for (String stop : stops(f)) {
      b.stopString(stop);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(null, e.getMessage());
    }
  }

  /**
   * Alternatives per token, or {@link GenerationParams#NO_LOGPROBS}: for text, {@code logprobs}
   * is that number; for chat, {@code logprobs} is a switch and {@code top_logprobs} the number.
   */
  private static int logprobs(Fields f, Kind kind) {
    if (kind == Kind.TEXT) {
      if (f.present("top_logprobs")) {
        throw ApiError.badRequest("top_logprobs",
            "'top_logprobs' is a chat field; for completions, 'logprobs' is the number of alternatives (0.." + MAX_TOP_LOGPROBS + ")");
      }
      Integer n = f.integer("logprobs", 0, MAX_TOP_LOGPROBS);
      return n == null ? GenerationParams.NO_LOGPROBS : n;
    }
    Integer top = f.integer("top_logprobs", 0, MAX_TOP_LOGPROBS);
    if (!Boolean.TRUE.equals(f.bool("logprobs"))) {
      if (top != null) {
        throw ApiError.badRequest("top_logprobs", "'top_logprobs' needs 'logprobs': true");
      }
      return GenerationParams.NO_LOGPROBS;
    }
    return top == null ? 0 : top;
  }

  private static List<String> stops(Fields f) {
    JsonElement stop = f.raw("stop");
    List<String> stops = new ArrayList<>();
    if (stop == null) {
      return stops;
    }
    if (stop instanceof JsonPrimitive p && p.isString()) {
      stops.add(p.getAsString());
    } else if (stop instanceof JsonArray a) {
      for (JsonElement e : a) {
        if (!(e instanceof JsonPrimitive p) || !p.isString()) {
          throw ApiError.badRequest("stop", "'stop' must be a string or a list of strings");
        }
        stops.add(p.getAsString());
      }
    } else {
      throw ApiError.badRequest("stop", "'stop' must be a string or a list of strings");
    }
    if (stops.stream().anyMatch(String::isEmpty)) {
      throw ApiError.badRequest("stop", "'stop' strings must not be empty");
    }
    return stops;
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }
}
