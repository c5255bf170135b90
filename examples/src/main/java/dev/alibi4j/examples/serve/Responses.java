package dev.alibi4j.examples.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.generation.FinishReason;
import dev.alibi4j.engine.generation.GenerationResult;

/** The JSON bodies of completion responses and stream chunks, shaped as OpenAI's. */
final class Responses {

  private final Kind kind;
  private final String id;
  private final long created;
  private final String model;

  Responses(Kind kind, String id, long created, String model) {
    this.kind = kind;
    this.id = id;
    this.created = created;
    this.model = model;
  }

  /**
   * The whole answer of a non-streaming request.
   *
   * @param logprobs the choice's {@code logprobs}, or null when not asked for
   */
  String complete(GenerationResult r, JsonObject logprobs) {
    JsonObject choice = choice();
    if (kind == Kind.CHAT) {
      choice.add("message", message(r.text()));
    } else {
      choice.addProperty("text", r.text());
    }
    choice.add("logprobs", logprobs == null ? JsonNull.INSTANCE : logprobs);
    choice.addProperty("finish_reason", finishReason(r.finishReason()));
    JsonObject body = head(kind.object, choice);
    body.add("usage", usage(r));
    return Json.GSON.toJson(body);
  }

  /**
   * A stream chunk with new text; for chat, the first one also carries the role.
   *
   * @param logprobs those of the tokens behind this text, or null when not asked for
   */
  String delta(String text, boolean first, JsonObject logprobs) {
    JsonObject choice = choice();
    if (kind == Kind.CHAT) {
      JsonObject delta = new JsonObject();
      if (first) {
        delta.addProperty("role", "assistant");
      }
      delta.addProperty("content", text);
      choice.add("delta", delta);
    } else {
      choice.addProperty("text", text);
    }
    choice.add("logprobs", logprobs == null ? JsonNull.INSTANCE : logprobs);
    choice.add("finish_reason", JsonNull.INSTANCE);
    return Json.GSON.toJson(head(kind.chunkObject, choice));
  }

  /**
   * The stream chunk that ends the choice: no text, the finish reason.
   *
   * @param logprobs those of tokens whose text never came (a stop string's), or null
   */
  String finish(GenerationResult r, JsonObject logprobs) {
    JsonObject choice = choice();
    if (kind == Kind.CHAT) {
      choice.add("delta", new JsonObject());
    } else {
      choice.addProperty("text", "");
    }
    choice.add("logprobs", logprobs == null ? JsonNull.INSTANCE : logprobs);
    choice.addProperty("finish_reason", finishReason(r.finishReason()));
    return Json.GSON.toJson(head(kind.chunkObject, choice));
  }

  /** {@code stream_options.include_usage}: a last chunk with no choices and the token counts. */
  String usageChunk(GenerationResult r) {
    JsonObject body = head(kind.chunkObject, null);
    body.add("usage", usage(r));
    return Json.GSON.toJson(body);
  }

  /** "stop" for an end-of-sequence token or a stop string, "length" for the token limit. */
  static String finishReason(FinishReason reason) {
    return switch (reason) {
      case EOS, STOP_STRING -> "stop";
      case LENGTH -> "length";
      case CANCELLED -> "cancelled";
    };
  }

  private JsonObject head(String object, JsonObject choice) {
    JsonObject body = new JsonObject();
    body.addProperty("id", id);
    body.addProperty("object", object);
    body.addProperty("created", created);
    body.addProperty("model", model);
    JsonArray choices = new JsonArray();
    if (choice != null) {
      choices.add(choice);
    }
    body.add("choices", choices);
    return body;
  }

  private static JsonObject choice() {
    JsonObject choice = new JsonObject();
    choice.addProperty("index", 0);
    return choice;
  }

  private static JsonObject message(String text) {
    JsonObject message = new JsonObject();
    message.addProperty("role", "assistant");
    message.addProperty("content", text);
    return message;
  }

  private static JsonObject usage(GenerationResult r) {
    JsonObject usage = new JsonObject();
    usage.addProperty("prompt_tokens", r.promptTokens());
    usage.addProperty("completion_tokens", r.generatedTokens());
    usage.addProperty("total_tokens", r.promptTokens() + r.generatedTokens());
    return usage;
  }
}
