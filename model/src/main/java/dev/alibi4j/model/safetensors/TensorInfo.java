package dev.alibi4j.model.safetensors;

import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type
 * @param shape dimensions, outermost first (empty for a scalar)
 * @param begin first byte, relative to the start of the data region
 * @param end one past the last byte, relative to the start of the data region
 */
public record TensorInfo(String name, SafetensorsDtype dtype, long[] shape, long begin, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  /** Dimensions, outermost first (a copy). */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements: the product of the dimensions (1 for a scalar). */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Bytes the data occupies: {@code end - begin}. */
  public long byteLength() {
    return end - begin;
  }

  /** The shape as {@code [a, b]}, for messages. */
  public String shapeString() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && begin == t.begin
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * name.hashCode() + dtype.hashCode()) + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + " " + shapeString() + " @[" + begin + ", " + end + ")";
  }
}
