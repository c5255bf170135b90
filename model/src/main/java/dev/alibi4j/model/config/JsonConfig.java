package dev.alibi4j.model.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.CheckpointFiles;
import dev.alibi4j.model.json.InvalidJsonException;
import dev.alibi4j.model.json.StrictJson;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A JSON object read from a config file, with typed accessors whose errors name the file and the
 * field. A field set to JSON {@code null} counts as absent. Nested objects ({@code attn_config})
 * keep the file and report fields as {@code attn_config.qk_ln}.
 */
public final class JsonConfig {

  private final Path file;
  private final JsonObject json;
  private final String prefix;

  private JsonConfig(Path file, JsonObject json, String prefix) {
    this.file = file;
    this.json = json;
    this.prefix = prefix;
  }

  /**
   * Parses {@code file} as strict JSON ({@link StrictJson}: no comments, trailing commas, NaN or
   * duplicate keys).
   *
   * @throws CheckpointException if it is missing, unreadable (saying why), or not a JSON object
   */
  public static JsonConfig read(Path file) {
    JsonElement parsed;
    try {
      parsed = StrictJson.parse(CheckpointFiles.readAll(file));
    } catch (InvalidJsonException e) {
      throw new CheckpointException(file + ": corrupt JSON: " + e.getMessage(), e);
    }
    if (!parsed.isJsonObject()) {
      throw new CheckpointException(file + ": not a JSON object");
    }
    return new JsonConfig(file, parsed.getAsJsonObject(), "");
  }

  /** The file this was read from. */
  public Path file() {
    return file;
  }

  /** Whether {@code field} is present and not null. */
  public boolean has(String field) {
    return json.has(field) && !json.get(field).isJsonNull();
  }

  /** Whether {@code field} is present, even as null. */
  public boolean isSet(String field) {
    return json.has(field);
  }

  /**
   * The integer under {@code field} or, failing that, under the first alias present.
   *
   * @throws CheckpointException if none is present, a value is not an integer, or two disagree
   */
  public int requireInt(String field, String... aliases) {
    return optInt(field, aliases)
        .orElseThrow(() -> error("missing required field " + describe(field, aliases)));
  }

  /**
   * The integer under {@code field} or one of its aliases, if any is present.
   *
   * @throws CheckpointException if a value is not an integer, or two of the names disagree
   */
  public OptionalInt optInt(String field, String... aliases) {
    List<String> names = new ArrayList<>();
    names.add(field);
    names.addAll(List.of(aliases));
    String found = null;
    int value = 0;
    for (String name : names) {
      if (!has(name)) {
        continue;
      }
      int v = intValue(name);
      if (found != null && v != value) {
        throw error(
            "fields '" + qualified(found) + "' = " + value + " and '" + qualified(name) + "' = "
                + v + " disagree");
      }
      found = name;
      value = v;
    }
    return found == null ? OptionalInt.empty() : OptionalInt.of(value);
  }

  /**
   * The size under {@code field} or one of its aliases, checked to lie in {@code [1, max]} before
   * anything is computed from it.
   *
   * @throws CheckpointException naming the field as the file spells it, its value and the range
   */
  public int requireSize(int max, String field, String... aliases) {
    int value = requireInt(field, aliases);
    if (value < 1 || value > max) {
      String name = field;
      for (String alias : aliases) {
        name = has(name) ? name : alias;
      }
      throw error("field '" + qualified(name) + "' = " + value + " is out of range: must be 1 to " + max);
    }
    return value;
  }

  /**
   * The number under {@code field}, or {@code fallback} when absent, checked to be finite and in
   * {@code [min, max]}.
   *
   * @throws CheckpointException naming the field, its value as written and the range
   */
  public double doubleIn(String field, double fallback, double min, double max) {
    double value = doubleOr(field, fallback);
    if (!(value >= min && value <= max)) { // false for NaN too
      throw unsupported(field, raw(field), "must be a finite number from " + plain(min) + " to " + plain(max));
    }
    return value;
  }

  /** The integer under {@code field}, or {@code fallback} when absent. */
  public int intOr(String field, int fallback) {
    return has(field) ? intValue(field) : fallback;
  }

  /** The number under {@code field}, if present. */
  public OptionalDouble optDouble(String field) {
    if (!has(field)) {
      return OptionalDouble.empty();
    }
    JsonPrimitive p = primitive(field);
    if (!p.isNumber()) {
      throw error("field '" + qualified(field) + "' must be a number, got " + raw(field));
    }
    return OptionalDouble.of(p.getAsDouble());
  }

  /** The number under {@code field}, or {@code fallback} when absent. */
  public double doubleOr(String field, double fallback) {
    return optDouble(field).orElse(fallback);
  }

  /** The boolean under {@code field}, or {@code fallback} when absent. */
  public boolean boolOr(String field, boolean fallback) {
    if (!has(field)) {
      return fallback;
    }
    JsonPrimitive p = primitive(field);
    if (!p.isBoolean()) {
      throw error("field '" + qualified(field) + "' must be true or false, got " + raw(field));
    }
    return p.getAsBoolean();
  }

  /** The string under {@code field}, if present. */
  public Optional<String> optString(String field) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonPrimitive p = primitive(field);
    if (!p.isString()) {
      throw error("field '" + qualified(field) + "' must be a string, got " + raw(field));
    }
    return Optional.of(p.getAsString());
  }

  /** The string under {@code field}, or {@code fallback} when absent. */
  public String stringOr(String field, String fallback) {
    return optString(field).orElse(fallback);
  }

  /** The nested object under {@code field}, if present; its fields report as {@code field.x}. */
  public Optional<JsonConfig> optObject(String field) {
    if (!has(field)) {
      return Optional.empty();
    }
    JsonElement e = json.get(field);
    if (!e.isJsonObject()) {
      throw error("field '" + qualified(field) + "' must be an object, got " + e);
    }
    return Optional.of(new JsonConfig(file, e.getAsJsonObject(), qualified(field) + "."));
  }

  /** The raw value under {@code field}, or null when absent or null. */
  public JsonElement raw(String field) {
    return has(field) ? json.get(field) : null;
  }

  /** {@code field} with the path of this object, e.g. {@code attn_config.qk_ln}. */
  public String qualified(String field) {
    return prefix + field;
  }

  /** An error whose message starts with the file name. */
  public CheckpointException error(String message) {
    return new CheckpointException(file + ": " + message);
  }

  /**
   * An error refusing a value alibi4j does not implement, naming the file, the field and the value.
   *
   * @param reason what alibi4j supports instead
   */
  public CheckpointException unsupported(String field, Object value, String reason) {
    return error("unsupported " + qualified(field) + " = " + value + ": " + reason);
  }

  /** {@code 1e-6} rather than Java's {@code 1.0E-6}. */
  private static String plain(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e7
        ? Long.toString((long) v)
        : String.valueOf(v).replace("E", "e").replace(".0e", "e");
  }

  private int intValue(String field) {
    JsonPrimitive p = primitive(field);
    if (p.isNumber()) {
      try {
        return new BigDecimal(p.getAsString()).intValueExact();
      } catch (ArithmeticException | NumberFormatException e) {
        // fall through to the error below
      }
    }
    throw error("field '" + qualified(field) + "' must be an integer, got " + raw(field));
  }

  private JsonPrimitive primitive(String field) {
    JsonElement e = json.get(field);
    if (!e.isJsonPrimitive()) {
      throw error("field '" + qualified(field) + "' must be a single value, got " + e);
    }
    return e.getAsJsonPrimitive();
  }

  private String describe(String field, String... aliases) {
    StringBuilder s = new StringBuilder("'" + qualified(field) + "'");
    for (String alias : aliases) {
      s.append(" (or '").append(qualified(alias)).append("')");
    }
    return s.toString();
  }
}
