package dev.alibi4j.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.safetensors.SafetensorsCheckpoint;
import dev.alibi4j.model.safetensors.TensorInfo;
import java.util.Arrays;
import java.util.Optional;

/**
 * Loads named weights from a checkpoint into one manager, checking every shape.
 *
 * <p>Hugging Face saves a model's body with or without the {@value #PREFIX} prefix ({@code
 * bigscience/bloom-560m} has none, a re-saved {@code BloomForCausalLM} has it), so each name is
 * looked up as given, then with the prefix.
 */
public final class WeightLoader {

  /** Prefix of the base model's weights inside a {@code *ForCausalLM} checkpoint. */
  public static final String PREFIX = "transformer.";

  private final SafetensorsCheckpoint source;
  private final NDManager manager;
  private final DataType dtype;

  /**
   * @param source the checkpoint's tensors
   * @param manager owner of every array loaded
   * @param dtype compute type, FLOAT32 or FLOAT16
   */
  public WeightLoader(SafetensorsCheckpoint source, NDManager manager, DataType dtype) {
    this.source = source;
    this.manager = manager;
    this.dtype = dtype;
  }

  /** The manager that owns the loaded arrays. */
  public NDManager manager() {
    return manager;
  }

  /** Whether the checkpoint holds {@code name}, with or without the prefix. */
  public boolean has(String name) {
    return resolve(name).isPresent();
  }

  /**
   * Loads {@code name} (with or without the prefix) after checking its shape.
   *
   * @param expectedShape the shape the config implies
   * @throws CheckpointException if the tensor is missing (naming the files searched) or its shape
   *     differs (naming the tensor, its file, and both shapes)
   */
  public NDArray load(String name, long... expectedShape) {
    String stored =
        resolve(name)
            .orElseThrow(() -> new CheckpointException(
                "tensor '" + name + "' (or '" + PREFIX + name + "') not found in "
                    + source.files()));
    TensorInfo info = source.info(stored);
    if (!Arrays.equals(info.shape(), expectedShape)) {
      throw new CheckpointException(
          source.fileOf(stored) + ": tensor '" + stored + "' has shape " + info.shapeString()
              + ", expected " + Arrays.toString(expectedShape) + " from config.json");
    }
    return source.read(stored, manager, dtype);
  }

  private Optional<String> resolve(String name) {
    if (source.contains(name)) {
      return Optional.of(name);
    }
    if (source.contains(PREFIX + name)) {
      return Optional.of(PREFIX + name);
    }
    return Optional.empty();
  }
}
