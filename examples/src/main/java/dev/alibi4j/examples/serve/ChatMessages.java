package dev.alibi4j.examples.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.alibi4j.model.chat.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Chat {@code messages} checked field by field, for the model's chat template ({@link
 * dev.alibi4j.model.AlibiLM#chatTemplate()}: the checkpoint's own, or the plain default).
 */
final class ChatMessages {

  private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

  private ChatMessages() {}

  static List<ChatMessage> parse(JsonElement messages) {
    if (messages == null) {
      throw ApiError.badRequest("messages", "'messages' is required");
    }
    if (!(messages instanceof JsonArray array) || array.isEmpty()) {
      throw ApiError.badRequest("messages", "'messages' must be a non-empty array of {role, content}");
    }
    List<ChatMessage> out = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String at = "messages[" + i + "]";
      if (!(array.get(i) instanceof JsonObject m)) {
        throw ApiError.badRequest(at, "'" + at + "' must be an object with role and content");
      }
      String role = text(m, "role", at);
      if (!ROLES.contains(role)) {
        throw ApiError.badRequest(at + ".role", "'" + at + ".role' must be one of " + ROLES + ", got '" + role + "'");
      }
      out.add(new ChatMessage(role, text(m, "content", at)));
    }
    return out;
  }

  private static String text(JsonObject m, String field, String at) {
    JsonElement e = m.get(field);
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw ApiError.badRequest(at + "." + field, "'" + at + "." + field + "' must be a string");
    }
    return p.getAsString();
  }
}
