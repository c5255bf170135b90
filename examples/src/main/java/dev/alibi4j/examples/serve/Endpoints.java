package dev.alibi4j.examples.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

/** The small endpoints ({@code /v1/models}, {@code /health}) and the JSON response helper. */
final class Endpoints {

  private Endpoints() {}

  static void sendJson(ServerResponse res, int status, String json) {
    res.status(Status.create(status));
    res.header(HeaderNames.CONTENT_TYPE, "application/json");
    res.send(json);
  }

  /** {@code GET /v1/models}: the one model this server runs. */
  static String models(String modelId, long created) {
    JsonObject model = new JsonObject();
    model.addProperty("id", modelId);
    model.addProperty("object", "model");
    model.addProperty("created", created);
    model.addProperty("owned_by", "alibi4j");
    JsonArray data = new JsonArray();
    data.add(model);
    JsonObject body = new JsonObject();
    body.addProperty("object", "list");
    body.add("data", data);
    return Json.GSON.toJson(body);
  }

  /** {@code GET /health} once the model has loaded (503 before). */
  static String health() {
    return "{\"status\":\"ok\"}";
  }
}
