package dev.alibi4j.examples.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;

/** The one Gson the server writes with: nulls kept (OpenAI sends {@code "param": null}), no HTML escapes. */
final class Json {

  static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  /** The OpenAI error body for {@code e}. */
  static String error(ApiError e) {
    JsonObject error = new JsonObject();
    error.addProperty("message", e.getMessage());
    error.addProperty("type", e.type);
    error.addProperty("param", e.param);
    error.add("code", com.google.gson.JsonNull.INSTANCE);
    JsonObject body = new JsonObject();
    body.add("error", error);
    return GSON.toJson(body);
  }
}
