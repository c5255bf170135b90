package dev.alibi4j.examples.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.Set;

/**
 * Turns chat {@code messages} into one prompt with a plain template, the same for every model:
 * each message as {@code "<role>: <content>\n"}, then {@code "assistant:"} for the reply. (The
 * checkpoint's own {@code chat_template} is not used yet: the models alibi4j runs are mostly
 * base models without one.)
 */
final class ChatTemplate {

  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

  private ChatTemplate() {}

  static String render(JsonElement messages) {
    if (messages == null) {
      throw ApiError.badRequest("messages", "'messages' is required");
    }
    if (!(messages instanceof JsonArray array) || array.isEmpty()) {
      throw ApiError.badRequest("messages", "'messages' must be a non-empty array of {role, content}");
    }
    StringBuilder prompt = new StringBuilder();
    for (int i = 0; i < array.size(); i++) {
      String at = "messages[" + i + "]";
      if (!(array.get(i) instanceof JsonObject m)) {
        throw ApiError.badRequest(at, "'" + at + "' must be an object with role and content");
      }
      String role = text(m, "role", at);
      if (!ROLES.contains(role)) {
        throw ApiError.badRequest(at + ".role", "'" + at + ".role' must be one of " + ROLES + ", got '" + role + "'");
      }
      prompt.append(role).append(": ").append(text(m, "content", at)).append('\n');
    }
    return prompt.append("assistant:").toString();
  }

  private static String text(JsonObject m, String field, String at) {
    JsonElement e = m.get(field);
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw ApiError.badRequest(at + "." + field, "'" + at + "." + field + "' must be a string");
    }
    return p.getAsString();
  }
}
