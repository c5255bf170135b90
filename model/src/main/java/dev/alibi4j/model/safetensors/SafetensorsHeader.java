package dev.alibi4j.model.safetensors;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.json.InvalidJsonException;
import dev.alibi4j.model.json.StrictJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON header of a safetensors file, validated by the rules of the reference implementation
 * (the {@code safetensors} crate's {@code read_metadata} and {@code Metadata::validate}): strict
 * UTF-8 and strict JSON, each tensor a known dtype, a shape of non-negative integers and two data
 * offsets spanning exactly its bytes, and, taken in order of offsets, the tensors tiling the data
 * region from its first byte to the end of the file with no overlap and no gap. Header order is
 * free: the reference sorts by offset too. A tensor name given twice is refused (the reference's
 * JSON map would keep one of the two and then find the other's bytes uncovered).
 *
 * @param tensors every tensor entry, in header order
 * @param metadata the {@code __metadata__} strings (empty when absent)
 */
record SafetensorsHeader(Map<String, TensorInfo> tensors, Map<String, String> metadata) {

  private static final String METADATA_KEY = "__metadata__";

  /**
   * Parses and validates the header of {@code path}.
   *
   * @param header the header's bytes
   * @param dataSize bytes after the header, to the end of the file
   * @throws CheckpointException naming the file and what is wrong
   */
  static SafetensorsHeader parse(Path path, byte[] header, long dataSize) {
    JsonObject json = parseJson(path, header);
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = Map.of();
    for (Map.Entry<String, JsonElement> entry : json.entrySet()) {
      if (entry.getKey().equals(METADATA_KEY)) {
        metadata = parseMetadata(path, entry.getValue());
      } else {
        TensorInfo info = parseEntry(path, entry.getKey(), entry.getValue());
        checkOffsets(path, info, dataSize);
        tensors.put(info.name(), info);
      }
    }
    checkTiling(path, tensors.values(), dataSize);
    return new SafetensorsHeader(Collections.unmodifiableMap(tensors), metadata);
  }

  private static JsonObject parseJson(Path path, byte[] header) {
    String text;
    try {
      text = StrictJson.decodeUtf8(header);
    } catch (InvalidJsonException e) {
      throw new CheckpointException(path + ": header is " + e.getMessage(), e);
    }
    JsonElement parsed;
    try {
      parsed = StrictJson.parse(text);
    } catch (InvalidJsonException e) {
      throw new CheckpointException(path + ": corrupt header JSON: " + e.getMessage(), e);
    }
    if (!parsed.isJsonObject()) {
      throw new CheckpointException(path + ": corrupt header JSON: not an object");
    }
    return parsed.getAsJsonObject();
  }

  private static Map<String, String> parseMetadata(Path path, JsonElement value) {
    if (!value.isJsonObject()) {
      throw new CheckpointException(path + ": header " + METADATA_KEY + " is not an object");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : value.getAsJsonObject().entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new CheckpointException(
            path + ": header " + METADATA_KEY + " value of '" + e.getKey() + "' is not a string");
      }
      metadata.put(e.getKey(), v.getAsString());
    }
    return Collections.unmodifiableMap(metadata);
  }

  private static TensorInfo parseEntry(Path path, String name, JsonElement element) {
    String where = path + ": tensor '" + name + "'";
    if (!element.isJsonObject()) {
      throw new CheckpointException(where + ": header entry is not an object");
    }
    JsonObject entry = element.getAsJsonObject();
    for (String field : new String[] {"dtype", "shape", "data_offsets"}) {
      if (!entry.has(field) || entry.get(field).isJsonNull()) {
        throw new CheckpointException(where + ": header entry is missing '" + field + "'");
      }
    }
    JsonElement dtypeElement = entry.get("dtype");
    if (!dtypeElement.isJsonPrimitive() || !dtypeElement.getAsJsonPrimitive().isString()) {
      throw new CheckpointException(where + ": dtype is not a string: " + dtypeElement);
    }
    String dtypeName = dtypeElement.getAsString();
    SafetensorsDtype dtype =
        SafetensorsDtype.parse(dtypeName)
            .orElseThrow(() -> new CheckpointException(
                where + ": unknown dtype '" + dtypeName + "'"));
    long[] shape = longArray(where, "shape", entry.get("shape"), -1);
    long[] offsets = longArray(where, "data_offsets", entry.get("data_offsets"), 2);
    return new TensorInfo(name, dtype, shape, offsets[0], offsets[1]);
  }

  private static long[] longArray(String where, String field, JsonElement element, int length) {
    String problem = where + ": " + field + " must be an array of non-negative integers";
    if (!element.isJsonArray()) {
      throw new CheckpointException(problem + ", got " + element);
    }
    JsonArray array = element.getAsJsonArray();
    if (length >= 0 && array.size() != length) {
      throw new CheckpointException(problem + " of length " + length + ", got " + element);
    }
    long[] values = new long[array.size()];
    for (int i = 0; i < values.length; i++) {
      try {
        values[i] = array.get(i).getAsBigDecimal().longValueExact();
      } catch (RuntimeException e) {
        throw new CheckpointException(problem + ", got " + element);
      }
      if (values[i] < 0) {
        throw new CheckpointException(problem + ", got " + element);
      }
    }
    return values;
  }

  private static void checkOffsets(Path path, TensorInfo info, long dataSize) {
    String where = path + ": tensor '" + info.name() + "'";
    long expectedBytes;
    try {
      expectedBytes = Math.multiplyExact(info.numel(), info.dtype().byteSize());
    } catch (ArithmeticException e) {
      throw new CheckpointException(where + ": shape " + info.shapeString() + " is too large");
    }
    if (info.begin() > info.end() || info.end() > dataSize) {
      throw new CheckpointException(
          where + ": data_offsets [" + info.begin() + ", " + info.end()
              + "] lie outside the data region of " + dataSize + " bytes");
    }
    if (info.byteLength() != expectedBytes) {
      throw new CheckpointException(
          where + ": data_offsets [" + info.begin() + ", " + info.end() + "] span "
              + info.byteLength() + " bytes, but shape " + info.shapeString() + " of "
              + info.dtype() + " needs " + expectedBytes);
    }
  }

  /**
   * The reference's rule: in order of offsets, each tensor starts where the previous one ended
   * (the first at 0), and the last ends at the end of the file. Overlapping tensors would alias
   * each other's bytes; a gap or a tail is data no tensor accounts for.
   */
  private static void checkTiling(Path path, Iterable<TensorInfo> tensors, long dataSize) {
    List<TensorInfo> byOffset = new ArrayList<>();
    tensors.forEach(byOffset::add);
    byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    String rule = "; the safetensors format requires the tensors to cover the data region"
        + " exactly, one after another in order of offsets";
    TensorInfo previous = null;
    long covered = 0;
    for (TensorInfo t : byOffset) {
      if (t.begin() < covered) {
        throw new CheckpointException(path + ": tensor '" + t.name() + "': data_offsets "
            + offsets(t) + " overlap tensor '" + previous.name() + "' at " + offsets(previous) + rule);
      }
      if (t.begin() > covered) {
        throw new CheckpointException(path + ": tensor '" + t.name() + "': data_offsets "
            + offsets(t) + " leave bytes [" + covered + ", " + t.begin() + ") of the data region "
            + (previous == null ? "before it" : "after tensor '" + previous.name() + "'")
            + " unused" + rule);
      }
      covered = t.end();
      previous = t;
    }
    if (covered != dataSize) {
      throw new CheckpointException(path + ": the tensors cover " + covered + " bytes but the data"
          + " region after the header holds " + dataSize + " (" + (dataSize - covered)
          + " bytes no tensor accounts for)" + rule);
    }
  }

  private static String offsets(TensorInfo t) {
    return "[" + t.begin() + ", " + t.end() + "]";
  }
}
