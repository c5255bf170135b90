package dev.alibi4j.model.pytorch;

import dev.alibi4j.model.CheckpointException;
import java.util.Arrays;

/**
 * Where a tensor's elements lie in its file, checked against the storage entry holding them.
 *
 * @param name the tensor's name
 * @param dtype its element type
 * @param shape dimensions, outermost first
 * @param stride elements between neighbours along each dimension
 * @param start file offset of the tensor's first element (the storage offset applied)
 * @param spanBytes bytes from {@code start} to the end of the tensor's last element
 * @param contiguous whether the elements are row-major with no gaps, so the tensor's bytes are
 *     {@code [start, start + byteLength())}
 */
record TensorLayout(String name, TorchDtype dtype, long[] shape, long[] stride, long start,
    long spanBytes, boolean contiguous) {

  /**
   * The layout of {@code tensor}, whose storage is {@code entry} with data at {@code entryData}.
   *
   * @param file the file, for messages
   * @param entrySize bytes in the storage's entry
   * @throws CheckpointException naming the tensor, entry and sizes when the storage is too short
   */
  static TensorLayout of(String file, String name, PickledTensor tensor, String entry,
      long entryData, long entrySize) {
    String where = file + ": tensor " + Quoted.of(name);
    long[] shape = tensor.shape();
    long[] stride = tensor.stride();
    int elementBytes = tensor.dtype().byteSize();
    long numel;
    long elements; // storage elements the view reaches, from its first
    try {
      numel = 1;
      long last = 0;
      for (int d = 0; d < shape.length; d++) {
        numel = Math.multiplyExact(numel, shape[d]);
        if (shape[d] > 0) {
          last = Math.addExact(last, Math.multiplyExact(shape[d] - 1, stride[d]));
        }
      }
      elements = numel == 0 ? 0 : Math.addExact(last, 1);
      long needed = Math.multiplyExact(Math.addExact(tensor.offset(), elements), elementBytes);
      Math.multiplyExact(numel, elementBytes);
      if (elements > 0 && needed > tensor.storage().bytes()) {
        throw new CheckpointException(where + " (" + tensor.dtype() + ", shape " + dims(shape)
            + ", storage offset " + tensor.offset() + ") needs " + needed + " bytes of "
            + tensor.storage() + ", which the pickle declares as " + tensor.storage().bytes()
            + " bytes");
      }
      if (elements > 0 && needed > entrySize) {
        throw new CheckpointException(where + " (" + tensor.dtype() + ", shape " + dims(shape)
            + ", storage offset " + tensor.offset() + ") needs " + needed + " bytes of entry "
            + Quoted.of(entry) + ", which holds only " + entrySize + " bytes");
      }
    } catch (ArithmeticException e) {
      throw new CheckpointException(where + ": shape " + dims(shape) + " with stride "
          + dims(stride) + " at offset " + tensor.offset() + " is too large");
    }
    long start = elements == 0 ? entryData : entryData + tensor.offset() * elementBytes;
    return new TensorLayout(name, tensor.dtype(), shape, stride, start, elements * elementBytes,
        isContiguous(shape, stride, numel));
  }

  /** Elements in the tensor. */
  long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d; // checked when made
    }
    return n;
  }

  /** Bytes of its row-major data. */
  long byteLength() {
    return numel() * dtype.byteSize();
  }

  /** As torch decides: strides of dimensions of size 1 do not matter. */
  private static boolean isContiguous(long[] shape, long[] stride, long numel) {
    if (numel == 0) {
      return true;
    }
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1) {
        if (stride[d] != expected) {
          return false;
        }
        expected *= shape[d];
      }
    }
    return true;
  }

  private static String dims(long[] dims) {
    return Arrays.toString(dims);
  }
}
