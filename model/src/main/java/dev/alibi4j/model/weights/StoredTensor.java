package dev.alibi4j.model.weights;

import dev.alibi4j.engine.tensor.WeightType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a checkpoint says about one tensor: its stored element type, shape and file. The bytes are
 * row-major and contiguous in that type ({@link TensorSource#map}).
 *
 * @param name the tensor's name in the checkpoint
 * @param dtype the stored element type as the format names it (e.g. {@code F32}, {@code I64})
 * @param type the same as a weight type, when it is one alibi4j loads (F32, F16, BF16)
 * @param shape dimensions, outermost first
 * @param file the file holding it
 */
public record StoredTensor(String name, String dtype, Optional<WeightType> type, long[] shape, Path file) {

  public StoredTensor {
    shape = shape.clone();
  }

  /** Dimensions, outermost first (a copy). */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The shape as {@code [a, b]}, for messages. */
  public String shapeString() {
    return Arrays.toString(shape);
  }
}
