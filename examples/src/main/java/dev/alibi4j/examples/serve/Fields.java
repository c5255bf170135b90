package dev.alibi4j.examples.serve;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;

/**
 * Typed reads of a request body's fields. Each getter returns null when the field is absent or
 * JSON null, and raises a 400 naming the field when it holds the wrong type.
 */
final class Fields {

  private final JsonObject body;

  Fields(JsonObject body) {
    this.body = body;
  }

  boolean present(String name) {
    JsonElement e = body.get(name);
    return e != null && !e.isJsonNull();
  }

  JsonElement raw(String name) {
    return present(name) ? body.get(name) : null;
  }

  String string(String name) {
    JsonElement e = raw(name);
    if (e == null) {
      return null;
    }
    if (!(e instanceof JsonPrimitive p) || !p.isString()) {
      throw ApiError.badRequest(name, "'" + name + "' must be a string");
    }
    return p.getAsString();
  }

  Boolean bool(String name) {
    JsonElement e = raw(name);
    if (e == null) {
      return null;
    }
    if (!(e instanceof JsonPrimitive p) || !p.isBoolean()) {
      throw ApiError.badRequest(name, "'" + name + "' must be true or false");
    }
    return p.getAsBoolean();
  }

  Double number(String name) {
    JsonElement e = raw(name);
    if (e == null) {
      return null;
    }
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      throw ApiError.badRequest(name, "'" + name + "' must be a number");
    }
    double d = p.getAsDouble();
    if (!Double.isFinite(d)) {
      throw ApiError.badRequest(name, "'" + name + "' must be a finite number");
    }
    return d;
  }

  /** An integer; 2.0 is accepted, 2.5 and numbers past a long are not. */
  Long integer(String name) {
    JsonElement e = raw(name);
    if (e == null) {
      return null;
    }
    if (!(e instanceof JsonPrimitive p) || !p.isNumber()) {
      throw ApiError.badRequest(name, "'" + name + "' must be an integer");
    }
    try {
      return p.getAsBigDecimal().longValueExact();
    } catch (ArithmeticException | NumberFormatException ex) {
      throw ApiError.badRequest(name, "'" + name + "' must be an integer, got " + p);
    }
  }

  /** An integer in {@code [min, max]}. */
  Integer integer(String name, long min, long max) {
    Long v = integer(name);
    if (v == null) {
      return null;
    }
    if (v < min || v > max) {
      throw ApiError.badRequest(name, "'" + name + "' must be between " + min + " and " + max + ", got " + v);
    }
    return v.intValue();
  }

  /** Whether a field is set to something other than its "off" value, which we may ignore. */
  boolean setOtherThan(String name, Object off) {
    JsonElement e = raw(name);
    if (e == null) {
      return false;
    }
    if (off instanceof Boolean b && e instanceof JsonPrimitive p && p.isBoolean()) {
      return p.getAsBoolean() != b;
    }
    if (off instanceof Number n && e instanceof JsonPrimitive p && p.isNumber()) {
      return p.getAsBigDecimal().compareTo(new BigDecimal(n.toString())) != 0;
    }
    if ("{}".equals(off) && e.isJsonObject()) {
      return !e.getAsJsonObject().isEmpty();
    }
    return true;
  }
}
