package dev.alibi4j.model.family;

import java.util.Arrays;

/**
 * One tensor of a family's checkpoint: its name (without the {@code transformer.} prefix a
 * {@code *ForCausalLM} checkpoint may add), role, block and shape.
 *
 * @param name the checkpoint name, e.g. {@code h.3.self_attention.dense.weight}
 * @param role what it is for
 * @param layer the block's index, or -1 for a tensor outside the blocks
 * @param shape its dimensions
 */
public record TensorSpec(String name, TensorRole role, int layer, long[] shape) {

  public TensorSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements. */
  public long numel() {
    return Arrays.stream(shape).reduce(1, Math::multiplyExact);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && name.equals(t.name) && role == t.role && layer == t.layer
        && Arrays.equals(shape, t.shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name + " " + role + " " + Arrays.toString(shape);
  }
}
