package dev.alibi4j.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;

/**
 * Copies the bytes of one tensor into an NDArray of the compute type: the file is mapped
 * read-only in windows, which only Java reads, and converted chunk by chunk into a preallocated
 * array through a small direct scratch buffer. BF16 is widened to float bits in Java ({@code bf16
 * << 16}): a BF16 NDArray is never created, because DJL's PyTorch engine has no bfloat16 type.
 * (Weight matrices do not come this way: the loader maps them, see {@link SafetensorsFile#map}.)
 */
final class TensorReader {

  /** Production sizes: 16 MiB scratch, 1 GiB mapping windows. */
  static final TensorReader DEFAULT = new TensorReader(16 << 20, 1L << 30);

  private final int chunkBytes;
  private final long windowBytes;

  /**
   * @param chunkBytes scratch buffer size: bound on the Java-side memory a conversion uses
   * @param windowBytes largest file region mapped at once
   */
  TensorReader(int chunkBytes, long windowBytes) {
    this.chunkBytes = chunkBytes;
    this.windowBytes = windowBytes;
  }

  NDArray read(
      FileChannel channel,
      long dataStart,
      TensorInfo info,
      NDManager manager,
      DataType target)
      throws IOException {
    if (target != DataType.FLOAT32 && target != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "compute type must be FLOAT32 or FLOAT16, got " + target.name());
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      throw new UnsupportedOperationException("safetensors loading needs a little-endian platform");
    }
    Shape shape = new Shape(info.shape());
    long numel = info.numel();
    if (numel == 0) {
      return manager.zeros(shape, target);
    }
    long offset = dataStart + info.begin();
    return readChunked(channel, offset, info, numel, manager, target, shape);
  }

  private NDArray readChunked(
      FileChannel channel,
      long offset,
      TensorInfo info,
      long numel,
      NDManager manager,
      DataType target,
      Shape shape)
      throws IOException {
    SafetensorsDtype source = info.dtype();
    int sourceSize = source.byteSize();
    int widest = Math.max(sourceSize, target.getNumOfBytes());
    long chunkElems = Math.max(1, chunkBytes / widest);
    long windowElems = Math.max(1, windowBytes / sourceSize / chunkElems) * chunkElems;
    ByteBuffer scratch =
        ByteBuffer.allocateDirect((int) (Math.min(chunkElems, numel) * widest))
            .order(ByteOrder.nativeOrder());

    NDArray flat = manager.create(new Shape(numel), target); // [numel], uninitialised
    try {
      for (long w = 0; w < numel; w += windowElems) {
        long windowCount = Math.min(windowElems, numel - w);
        MappedByteBuffer window =
            channel.map(MapMode.READ_ONLY, offset + w * sourceSize, windowCount * sourceSize);
        for (long c = 0; c < windowCount; c += chunkElems) {
          int n = (int) Math.min(chunkElems, windowCount - c);
          ByteBuffer chunk =
              window.slice((int) (c * sourceSize), n * sourceSize).order(ByteOrder.LITTLE_ENDIAN);
          long start = w + c;
          copyChunk(chunk, source, n, scratch, manager, target, flat, start);
        }
      }
      if (shape.equals(flat.getShape())) {
        return flat;
      }
      NDArray shaped = flat.reshape(shape); // a view on flat's storage
      flat.close();
      return shaped;
    } catch (IOException | RuntimeException e) {
      flat.close();
      throw e;
    }
  }

  /** Converts {@code n} elements of {@code chunk} into {@code flat[start, start + n)}. */
  private static void copyChunk(
      ByteBuffer chunk,
      SafetensorsDtype source,
      int n,
      ByteBuffer scratch,
      NDManager manager,
      DataType target,
      NDArray flat,
      long start) {
    scratch.clear();
    DataType chunkType;
    if (source == SafetensorsDtype.BF16) {
      widenBf16(chunk.asShortBuffer(), n, scratch, target);
      chunkType = target;
    } else {
      scratch.put(chunk);
      chunkType = storedType(source);
    }
    ByteBuffer bytes = scratch.slice(0, n * chunkType.getNumOfBytes());
    try (NDArray part = manager.create(bytes, new Shape(n), chunkType)) { // [n], shares scratch
      if (chunkType == target) {
        flat.set(new NDIndex().addSliceDim(start, start + n), part);
      } else {
        try (NDArray converted = part.toType(target, false)) { // [n], a copy
          flat.set(new NDIndex().addSliceDim(start, start + n), converted);
        }
      }
    }
  }

  /** BF16 bits to float32 bits ({@code << 16}), or on to IEEE half through float. */
  private static void widenBf16(ShortBuffer in, int n, ByteBuffer scratch, DataType target) {
    if (target == DataType.FLOAT32) {
      IntBuffer out = scratch.asIntBuffer();
      for (int i = 0; i < n; i++) {
        out.put(i, (in.get(i) & 0xFFFF) << 16);
      }
    } else {
      ShortBuffer out = scratch.asShortBuffer();
      for (int i = 0; i < n; i++) {
        out.put(i, HalfFloats.floatToHalf(HalfFloats.bf16ToFloat(in.get(i))));
      }
    }
  }

  /** The DJL type holding {@code dtype} as stored, or null for BF16 (which DJL cannot hold). */
  private static DataType storedType(SafetensorsDtype dtype) {
    return switch (dtype) {
      case F32 -> DataType.FLOAT32;
      case F16 -> DataType.FLOAT16;
      case BF16 -> null;
      default -> throw new IllegalArgumentException("not loadable: " + dtype);
    };
  }
}
