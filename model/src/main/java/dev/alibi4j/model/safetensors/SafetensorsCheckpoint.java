package dev.alibi4j.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.CheckpointFiles;
import dev.alibi4j.model.json.InvalidJsonException;
import dev.alibi4j.model.json.StrictJson;
import dev.alibi4j.model.weights.StoredTensor;
import dev.alibi4j.model.weights.TensorSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a checkpoint directory: either one {@value #SINGLE_FILE}, or shards
 * ({@code model-00001-of-00002.safetensors}, ...) listed by {@value #INDEX_FILE}, whose {@code
 * weight_map} names the shard of every tensor. A single file wins when both are present, as in
 * Hugging Face transformers.
 *
 * <p>The index may only name plain file names in the checkpoint folder itself: no path
 * separators, no {@code .} or {@code ..}, nothing absolute (else an index could open {@code
 * /etc/passwd}). Symbolic links in the folder are followed wherever they point: a Hugging Face
 * cache snapshot is made of links into its {@code blobs} folder, and whoever can create a link in
 * the folder controls the checkpoint anyway.
 */
public final class SafetensorsCheckpoint implements TensorSource {

  /** Name of an unsharded checkpoint file. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** Name of the shard index. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private final List<SafetensorsFile> files;
  private final Map<String, SafetensorsFile> fileOfTensor;
  private final boolean mmap;

  private SafetensorsCheckpoint(
      List<SafetensorsFile> files, Map<String, SafetensorsFile> fileOfTensor, boolean mmap) {
    this.files = List.copyOf(files);
    this.fileOfTensor = Collections.unmodifiableMap(fileOfTensor);
    this.mmap = mmap;
  }

  /** Opens {@code dir} with tensors mapped; see {@link #open(Path, boolean)}. */
  public static SafetensorsCheckpoint open(Path dir) {
    return open(dir, true);
  }

  /**
   * Opens the single file or every shard of {@code dir} and validates their headers.
   *
   * @param mmap whether {@link #map} maps the files (true) or reads their bytes into memory
   * @throws CheckpointException if neither file exists, a file cannot be read (saying why), the
   *     index names a file outside the folder or a missing shard, a tensor listed in the index is
   *     absent from its shard, or a header is invalid
   */
  public static SafetensorsCheckpoint open(Path dir, boolean mmap) {
    Path single = dir.resolve(SINGLE_FILE);
    Path index = dir.resolve(INDEX_FILE);
    if (CheckpointFiles.present(single)) {
      SafetensorsFile file = SafetensorsFile.open(single);
      Map<String, SafetensorsFile> map = new LinkedHashMap<>();
      file.tensorNames().forEach(name -> map.put(name, file));
      return new SafetensorsCheckpoint(List.of(file), map, mmap);
    }
    if (CheckpointFiles.present(index)) {
      return openSharded(dir, index, mmap);
    }
    throw new CheckpointException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + dir);
  }

  /** Whether {@code dir} holds {@value #SINGLE_FILE} or {@value #INDEX_FILE}. */
  public static boolean present(Path dir) {
    // Anything by those names counts, so that opening it says what is wrong with it (a folder,
    // a dangling link, no permission) rather than that no weights were found.
    return named(dir.resolve(SINGLE_FILE)) || named(dir.resolve(INDEX_FILE));
  }

  private static boolean named(Path p) {
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private static SafetensorsCheckpoint openSharded(Path dir, Path index, boolean mmap) {
    Map<String, String> weightMap = readWeightMap(index);
    Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
    try {
      Map<String, SafetensorsFile> fileOfTensor = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        String tensor = e.getKey();
        String shardName = e.getValue();
        SafetensorsFile shard = shards.get(shardName);
        if (shard == null) {
          Path shardPath = shardPath(dir, index, tensor, shardName);
          if (!CheckpointFiles.present(shardPath)) {
            throw new CheckpointException(
                index + ": shard '" + shardName + "' (holding tensor '" + tensor
                    + "') does not exist: " + shardPath);
          }
          shard = SafetensorsFile.open(shardPath);
          shards.put(shardName, shard);
        }
        if (!shard.contains(tensor)) {
          throw new CheckpointException(
              index + ": tensor '" + tensor + "' is listed in shard '" + shardName
                  + "' but absent from " + shard.path());
        }
        fileOfTensor.put(tensor, shard);
      }
      return new SafetensorsCheckpoint(new ArrayList<>(shards.values()), fileOfTensor, mmap);
    } catch (RuntimeException e) {
      shards.values().forEach(SafetensorsFile::close);
      throw e;
    }
  }

  /** {@code name} in {@code dir}, when it is a plain file name. */
  private static Path shardPath(Path dir, Path index, String tensor, String name) {
    boolean plain = !name.isEmpty() && !name.equals(".") && !name.equals("..")
        && name.indexOf('/') < 0 && name.indexOf('\\') < 0 && name.indexOf('\0') < 0;
    Path path = plain ? dir.resolve(name) : null;
    if (path == null || !dir.equals(path.getParent()) || !path.normalize().startsWith(dir.normalize())) {
      throw new CheckpointException(index + ": weight_map entry of '" + tensor + "' names '" + name
          + "': a shard must be a plain file name in the checkpoint folder (no '/', '\\', '.' or"
          + " '..')");
    }
    return path;
  }

  private static Map<String, String> readWeightMap(Path index) {
    JsonElement parsed;
    try {
      parsed = StrictJson.parse(CheckpointFiles.readAll(index));
    } catch (InvalidJsonException e) {
      throw new CheckpointException(index + ": corrupt JSON: " + e.getMessage(), e);
    }
    if (!parsed.isJsonObject()
        || !parsed.getAsJsonObject().has("weight_map")
        || !parsed.getAsJsonObject().get("weight_map").isJsonObject()) {
      throw new CheckpointException(index + ": missing the 'weight_map' object");
    }
    JsonObject weightMap = parsed.getAsJsonObject().getAsJsonObject("weight_map");
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : weightMap.entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new CheckpointException(
            index + ": weight_map entry of '" + e.getKey() + "' is not a file name: " + v);
      }
      result.put(e.getKey(), v.getAsString());
    }
    return result;
  }

  @Override
  public StoredTensor describe(String name) {
    TensorInfo info = info(name);
    return new StoredTensor(name, info.dtype().name(), info.dtype().weightType(), info.shape(), fileOf(name));
  }

  /** The files opened: the single file, or every shard. */
  @Override
  public List<Path> files() {
    return files.stream().map(SafetensorsFile::path).toList();
  }

  /** Names of all tensors. */
  @Override
  public Set<String> tensorNames() {
    return fileOfTensor.keySet();
  }

  /** Whether some file holds tensor {@code name}. */
  @Override
  public boolean contains(String name) {
    return fileOfTensor.containsKey(name);
  }

  /**
   * The file holding {@code name}.
   *
   * @throws CheckpointException naming the tensor and the files searched
   */
  public Path fileOf(String name) {
    return file(name).path();
  }

  /**
   * The header entry of {@code name}.
   *
   * @throws CheckpointException naming the tensor and the files searched
   */
  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  /** All of {@code name}'s bytes in {@code arena}; see {@link #map(String, long, long, Arena)}. */
  public MemorySegment map(String name, Arena arena) {
    return map(name, 0, info(name).byteLength(), arena);
  }

  /**
   * Part of {@code name}'s bytes in {@code arena}: mapped read-only ({@link SafetensorsFile#map(String,
   * long, long, Arena)}), or read into memory ({@link SafetensorsFile#copy}) when opened without mmap.
   */
  @Override
  public MemorySegment map(String name, long offset, long length, Arena arena) {
    return mmap ? file(name).map(name, offset, length, arena) : file(name).copy(name, offset, length, arena);
  }

  /**
   * Reads {@code name} as {@code target} (FLOAT32 or FLOAT16) into {@code manager}; see {@link
   * SafetensorsFile#read}.
   */
  public NDArray read(String name, NDManager manager, DataType target) {
    return file(name).read(name, manager, target);
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile file = fileOfTensor.get(name);
    if (file == null) {
      throw new CheckpointException("tensor '" + name + "' not found in " + files());
    }
    return file;
  }

  /** Closes every file; arrays already read stay valid. */
  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
