package dev.alibi4j.model.pytorch;

import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.weights.StoredTensor;
import dev.alibi4j.model.weights.TensorSource;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tensors of a PyTorch checkpoint directory: either one {@value #SINGLE_FILE}, or shards
 * ({@code pytorch_model-00001-of-00002.bin}, ...) listed by {@value #INDEX_FILE}, whose {@code
 * weight_map} names the shard of every tensor. A single file wins when both are present, as in
 * Hugging Face transformers.
 *
 * <p>Files must be zip archives as {@code torch.save} writes them since torch 1.6. Their pickles
 * are decoded by a reader that knows only the opcodes and globals of a state dict (see {@link
 * AllowedGlobals}): <b>no code from a checkpoint ever runs</b>, and anything else is refused
 * naming the file. F32, F16 and BF16 tensors can be loaded; other element types are described by
 * name ({@link StoredTensor#dtype()}), so {@link dev.alibi4j.model.weights.WeightLoader} refuses
 * them clearly.
 *
 * <p>{@link #map} maps a contiguous tensor's bytes from the file (at any alignment, tensors
 * sharing a storage included). A non-contiguous view (a transposed matrix, say) has no such bytes:
 * its requested part is copied in row-major order into memory of the caller's arena, costing as
 * much memory as those bytes.
 */
public final class PytorchCheckpoint implements TensorSource {

  /** Name of an unsharded checkpoint file. */
  public static final String SINGLE_FILE = "pytorch_model.bin";

  /** Name of the shard index. */
  public static final String INDEX_FILE = "pytorch_model.bin.index.json";

  private final List<PytorchFile> files;
  private final Map<String, PytorchFile> fileOfTensor;

  private PytorchCheckpoint(List<PytorchFile> files, Map<String, PytorchFile> fileOfTensor) {
    this.files = List.copyOf(files);
    this.fileOfTensor = Collections.unmodifiableMap(fileOfTensor);
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

  /**
   * Opens the single file or every shard of {@code dir}, reading and checking their pickles.
   *
   * @throws CheckpointException if neither file exists, the index names a shard outside {@code
   *     dir} or maps a tensor to two shards, a shard is missing, a tensor listed in the index is
   *     absent from its shard or stored in two, or a file is invalid or unsafe
   */
  public static PytorchCheckpoint open(Path dir) {
    Path single = dir.resolve(SINGLE_FILE);
    Path index = dir.resolve(INDEX_FILE);
    if (Files.isRegularFile(single)) {
      PytorchFile file = PytorchFile.open(single);
      Map<String, PytorchFile> map = new LinkedHashMap<>();
      file.tensorNames().forEach(name -> map.put(name, file));
      return new PytorchCheckpoint(List.of(file), map);
    }
    if (Files.isRegularFile(index)) {
      return openSharded(dir, index);
    }
    throw new CheckpointException("no " + SINGLE_FILE + " or " + INDEX_FILE + " in " + dir);
  }

  private static PytorchCheckpoint openSharded(Path dir, Path index) {
    Map<String, String> weightMap = ShardIndex.read(index);
    Map<String, PytorchFile> shards = new LinkedHashMap<>();
    try {
      Map<String, PytorchFile> fileOfTensor = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        String tensor = e.getKey();
        String shardName = e.getValue();
        PytorchFile shard = shards.get(shardName);
        if (shard == null) {
          Path shardPath = dir.resolve(shardName);
          if (!Files.isRegularFile(shardPath)) {
            throw new CheckpointException(index + ": shard " + Quoted.of(shardName)
                + " (holding tensor " + Quoted.of(tensor) + ") does not exist: " + shardPath);
          }
          shard = PytorchFile.open(shardPath);
          shards.put(shardName, shard);
        }
        if (!shard.contains(tensor)) {
          throw new CheckpointException(index + ": tensor " + Quoted.of(tensor)
              + " is listed in shard " + Quoted.of(shardName) + " but absent from " + shard.path());
        }
        fileOfTensor.put(tensor, shard);
      }
      checkEachTensorInOneShard(shards.values());
      return new PytorchCheckpoint(new ArrayList<>(shards.values()), fileOfTensor);
    } catch (RuntimeException e) {
      shards.values().forEach(PytorchFile::close);
      throw e;
    }
  }

  /** Two shards holding one tensor leave the index's choice unverifiable: refused. */
  private static void checkEachTensorInOneShard(Iterable<PytorchFile> shards) {
    Map<String, PytorchFile> holder = new HashMap<>();
    for (PytorchFile shard : shards) {
      for (String tensor : shard.tensorNames()) {
        PytorchFile earlier = holder.putIfAbsent(tensor, shard);
        if (earlier != null) {
          throw new CheckpointException("tensor " + Quoted.of(tensor) + " is stored in two shards, "
              + earlier.path() + " and " + shard.path());
        }
      }
    }
  }

  /** The files opened: the single file, or every shard. */
  @Override
  public List<Path> files() {
    return files.stream().map(PytorchFile::path).toList();
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
   * The dtype (F32, F16, BF16, or another type's name such as I64), shape and file of {@code name}.
   *
   * @throws CheckpointException naming the tensor and the files searched
   */
  @Override
  public StoredTensor describe(String name) {
    return file(name).describe(name);
  }

  /**
   * Bytes {@code [offset, offset + length)} of {@code name}'s row-major data, read-only and valid
   * until {@code arena} closes: mapped from the file when the tensor is contiguous, else copied
   * into memory of {@code arena}.
   *
   * @throws CheckpointException if the tensor is absent or its bytes cannot be read
   * @throws IndexOutOfBoundsException if the range is not within the tensor
   */
  @Override
  public MemorySegment map(String name, long offset, long length, Arena arena) {
    return file(name).map(name, offset, length, arena);
  }

  private PytorchFile file(String name) {
    PytorchFile file = fileOfTensor.get(name);
    if (file == null) {
      throw new CheckpointException("tensor " + Quoted.of(name) + " not found in " + files());
    }
    return file;
  }

  /** Closes every file; segments already mapped stay valid. */
  @Override
  public void close() {
    files.forEach(PytorchFile::close);
  }
}
