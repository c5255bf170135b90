package dev.alibi4j.engine.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * GGML's Q8_0 blocks, quantized as llama.cpp's {@code quantize_row_q8_0_ref} does, so that the
 * same weights give the same bytes: per block of 32, {@code d = max|x| / 127} stored as IEEE
 * half, and {@code q = roundf(x * (1 / d))} (half away from zero) with the float32 {@code d}.
 */
public final class Q8Blocks {

  /** Weights per block. */
  public static final int BLOCK = 32;

  /** Bytes per block: the half scale, then 32 signed bytes. */
  public static final int BLOCK_BYTES = 34;

  static final ValueLayout.OfShort HALF =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private Q8Blocks() {}

  /**
   * Quantizes {@code x[from, from + n)} into {@code n / 32} blocks at {@code dst[offset]}.
   *
   * @throws IllegalArgumentException when {@code n} is not a multiple of 32
   */
  public static void quantize(float[] x, int from, int n, MemorySegment dst, long offset) {
    if (n % BLOCK != 0) {
      throw new IllegalArgumentException("Q8_0 quantizes whole blocks of 32, got " + n);
    }
    for (int b = 0; b < n / BLOCK; b++) {
      int base = from + b * BLOCK;
      float amax = 0;
      for (int j = 0; j < BLOCK; j++) {
        amax = Math.max(amax, Math.abs(x[base + j]));
      }
      float d = amax / 127;
      float id = d != 0 ? 1.0f / d : 0.0f;
      long block = offset + (long) b * BLOCK_BYTES;
      dst.set(HALF, block, Float.floatToFloat16(d));
      for (int j = 0; j < BLOCK; j++) {
        float v = x[base + j] * id;
        // C's roundf: half away from zero (Math.round rounds -2.5 to -2). In double, |v| + 0.5 is exact.
        double rounded = Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
        dst.set(ValueLayout.JAVA_BYTE, block + 2 + j, (byte) rounded);
      }
    }
  }

  /** The half-precision scale of block {@code b} of a row at {@code rowOffset}, as a float. */
  public static float scale(MemorySegment data, long rowOffset, int b) {
    return Float.float16ToFloat(data.get(HALF, rowOffset + (long) b * BLOCK_BYTES));
  }

  /** Quantized value {@code j} (0 to 31) of block {@code b} of a row at {@code rowOffset}. */
  public static byte quant(MemorySegment data, long rowOffset, int b, int j) {
    return data.get(ValueLayout.JAVA_BYTE, rowOffset + (long) b * BLOCK_BYTES + 2 + j);
  }
}
