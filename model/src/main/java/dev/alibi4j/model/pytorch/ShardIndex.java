package dev.alibi4j.model.pytorch;

import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.alibi4j.model.CheckpointException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code weight_map} of a shard index ({@code {"weight_map": {tensor: shard file}}}), read as a
 * stream so that a tensor listed twice is seen (a parsed JSON object keeps only the last), and
 * with every shard name checked to be a plain file name: an index must not reach outside its
 * directory.
 */
final class ShardIndex {

  private ShardIndex() {}

  /**
   * Tensor name to shard file name, in index order.
   *
   * @throws CheckpointException naming the index when it is unreadable, has no weight_map, maps a
   *     tensor to two files, or names a shard that is not a plain file name
   */
  static Map<String, String> read(Path index) {
    try (JsonReader reader = new JsonReader(Files.newBufferedReader(index, StandardCharsets.UTF_8))) {
      Map<String, String> weightMap = null;
      reader.beginObject();
      while (reader.hasNext()) {
        if (reader.nextName().equals("weight_map") && reader.peek() == JsonToken.BEGIN_OBJECT) {
          weightMap = weightMap(index, reader);
        } else {
          reader.skipValue();
        }
      }
      reader.endObject();
      if (weightMap == null) {
        throw new CheckpointException(index + ": missing the 'weight_map' object");
      }
      return weightMap;
    } catch (EOFException | com.google.gson.stream.MalformedJsonException | IllegalStateException e) {
      throw new CheckpointException(index + ": corrupt JSON: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new CheckpointException(index + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> weightMap(Path index, JsonReader reader) throws IOException {
    Map<String, String> map = new LinkedHashMap<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String tensor = reader.nextName();
      if (reader.peek() != JsonToken.STRING) {
        throw new CheckpointException(index + ": weight_map entry of " + Quoted.of(tensor)
            + " is not a file name");
      }
      String shard = reader.nextString();
      checkPlainName(index, tensor, shard);
      String earlier = map.putIfAbsent(tensor, shard);
      if (earlier != null && !earlier.equals(shard)) {
        throw new CheckpointException(index + ": tensor " + Quoted.of(tensor)
            + " is mapped to two shards, " + Quoted.of(earlier) + " and " + Quoted.of(shard));
      }
    }
    reader.endObject();
    return map;
  }

  /** A file directly in the checkpoint directory: no folder, no {@code ..}, not absolute. */
  static void checkPlainName(Path index, String tensor, String shard) {
    boolean plain = !shard.isEmpty() && !shard.equals(".") && !shard.equals("..")
        && shard.chars().noneMatch(c -> c == '/' || c == '\\' || c == ':' || c == 0);
    if (!plain) {
      throw new CheckpointException(index + ": shard " + Quoted.of(shard) + " of tensor "
          + Quoted.of(tensor) + " is not a plain file name: shards must lie in the checkpoint's"
          + " directory (no absolute paths, folders or '..')");
    }
  }
}
