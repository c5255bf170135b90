package dev.alibi4j.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Rows of weights converted between float32 and a storage type, one element at a time: the
 * reference path for every kernel, and the converter used while loading. Fast paths live in the
 * kernels.
 */
public final class WeightRows {

  static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private WeightRows() {}

  /** Widens {@code n} weights of {@code type} at {@code src[offset]} into {@code dst[dstOffset..]}. */
  public static void read(
      WeightType type, MemorySegment src, long offset, int n, float[] dst, int dstOffset) {
    switch (type) {
      case F32 -> MemorySegment.copy(src, FLOAT, offset, dst, dstOffset, n);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          dst[dstOffset + i] = Float.float16ToFloat(src.get(SHORT, offset + 2L * i));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          dst[dstOffset + i] = bf16ToFloat(src.get(SHORT, offset + 2L * i));
        }
      }
      case Q8_0 -> {
        for (int b = 0; b < n / Q8Blocks.BLOCK; b++) {
          float d = Q8Blocks.scale(src, offset, b);
          for (int j = 0; j < Q8Blocks.BLOCK; j++) {
            dst[dstOffset + b * Q8Blocks.BLOCK + j] = d * Q8Blocks.quant(src, offset, b, j);
          }
        }
      }
    }
  }

  /**
   * Stores {@code src[from, from + n)} as {@code type} at {@code dst[offset]}: float16 and
   * bfloat16 round to nearest even, Q8_0 quantizes as llama.cpp does.
   *
   * @return the largest magnitude among the values, so a caller can tell a float16 overflow
   */
  public static float write(WeightType type, float[] src, int from, int n, MemorySegment dst, long offset) {
    float amax = 0;
    for (int i = 0; i < n; i++) {
      amax = Math.max(amax, Math.abs(src[from + i]));
    }
    switch (type) {
      case F32 -> MemorySegment.copy(src, from, dst, FLOAT, offset, n);
      case F16 -> {
        for (int i = 0; i < n; i++) {
          dst.set(SHORT, offset + 2L * i, Float.floatToFloat16(src[from + i]));
        }
      }
      case BF16 -> {
        for (int i = 0; i < n; i++) {
          dst.set(SHORT, offset + 2L * i, floatToBf16(src[from + i]));
        }
      }
      case Q8_0 -> Q8Blocks.quantize(src, from, n, dst, offset);
    }
    return amax;
  }

  /** bfloat16 bits to float: the top half of a float's bits. */
  public static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xFFFF) << 16);
  }

  /** float to bfloat16 bits, rounding to nearest even (as PyTorch does); NaN stays NaN. */
  public static short floatToBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
