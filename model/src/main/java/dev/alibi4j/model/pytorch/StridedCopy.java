package dev.alibi4j.model.pytorch;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;

/**
 * Gathers part of a non-contiguous view (a transposed matrix, a strided slice) into row-major
 * bytes: such a view has no contiguous bytes in the file to map.
 */
final class StridedCopy {

  private StridedCopy() {}

  /**
   * Bytes {@code [offset, offset + length)} of {@code tensor}'s row-major data, copied into memory
   * of {@code arena}, read-only. The source is mapped only while copying.
   */
  static MemorySegment copy(FileChannel channel, TensorLayout tensor, long offset, long length,
      Arena arena) throws IOException {
    int es = tensor.dtype().byteSize();
    long first = offset / es;
    long end = (offset + length + es - 1) / es;
    MemorySegment out = arena.allocate((end - first) * es, 8);
    long[] shape = tensor.shape();
    long[] stride = tensor.stride();
    try (Arena window = Arena.ofConfined()) {
      MemorySegment in = channel.map(MapMode.READ_ONLY, tensor.start(), tensor.spanBytes(), window);
      // index of element `first` in every dimension, and its position in the storage
      long[] index = new long[shape.length];
      long position = 0;
      long rest = first;
      for (int d = shape.length - 1; d >= 0; d--) {
        index[d] = rest % shape[d];
        rest /= shape[d];
        position += index[d] * stride[d];
      }
      for (long e = 0; e < end - first; e++) {
        copyElement(in, position * es, out, e * es, es);
        for (int d = shape.length - 1; d >= 0; d--) { // next element, last dimension fastest
          position += stride[d];
          if (++index[d] < shape[d]) {
            break;
          }
          position -= stride[d] * shape[d];
          index[d] = 0;
        }
      }
    }
    return out.asSlice(offset - first * es, length).asReadOnly();
  }

  private static void copyElement(MemorySegment in, long from, MemorySegment out, long to, int es) {
    switch (es) {
      case 1 -> out.set(ValueLayout.JAVA_BYTE, to, in.get(ValueLayout.JAVA_BYTE, from));
      case 2 -> out.set(ValueLayout.JAVA_SHORT_UNALIGNED, to, in.get(ValueLayout.JAVA_SHORT_UNALIGNED, from));
      case 4 -> out.set(ValueLayout.JAVA_INT_UNALIGNED, to, in.get(ValueLayout.JAVA_INT_UNALIGNED, from));
      case 8 -> out.set(ValueLayout.JAVA_LONG_UNALIGNED, to, in.get(ValueLayout.JAVA_LONG_UNALIGNED, from));
      default -> MemorySegment.copy(in, from, out, to, es);
    }
  }
}
