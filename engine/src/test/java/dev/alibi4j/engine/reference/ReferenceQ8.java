package dev.alibi4j.engine.reference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * GGML's Q8_0, read and written from its published definition (ggml-common.h's {@code
 * block_q8_0}, ggml-quants.c's {@code quantize_row_q8_0_ref}), independently of the engine: per 32
 * weights, a little-endian IEEE half scale then 32 signed bytes; a weight is {@code scale * q}.
 */
public final class ReferenceQ8 {

  /** Weights per block. */
  public static final int BLOCK = 32;

  /** Bytes per block. */
  public static final int BLOCK_BYTES = 34;

  private ReferenceQ8() {}

  /** The value of IEEE binary16 bits, from the format's definition. */
  public static double halfValue(int bits) {
    int sign = (bits >> 15) & 1;
    int exponent = (bits >> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    double magnitude = exponent == 0
        ? Math.scalb((double) mantissa, -24)
        : Math.scalb(1024.0 + mantissa, exponent - 25);
    return sign == 1 ? -magnitude : magnitude;
  }

  /** Dequantizes {@code n} weights (a multiple of 32) stored at {@code data[offset]}. */
  public static double[] dequantize(MemorySegment data, long offset, int n) {
    double[] out = new double[n];
    for (int b = 0; b < n / BLOCK; b++) {
      long block = offset + (long) b * BLOCK_BYTES;
      int lo = data.get(ValueLayout.JAVA_BYTE, block) & 0xFF;
      int hi = data.get(ValueLayout.JAVA_BYTE, block + 1) & 0xFF;
      double d = halfValue(lo | hi << 8);
      for (int j = 0; j < BLOCK; j++) {
        out[b * BLOCK + j] = d * data.get(ValueLayout.JAVA_BYTE, block + 2 + j);
      }
    }
    return out;
  }

  /**
   * One block quantized as {@code quantize_row_q8_0_ref}: {@code d = amax / 127} (float),
   * {@code id = 1/d}, {@code q = roundf(x * id)} (half away from zero), {@code d} stored as half
   * rounded to nearest even.
   *
   * @return 34 bytes
   */
  public static byte[] quantizeBlock(float[] x, int from) {
    float amax = 0;
    for (int j = 0; j < BLOCK; j++) {
      amax = Math.max(amax, Math.abs(x[from + j]));
    }
    float d = amax / 127f;
    float id = d != 0 ? 1f / d : 0f;
    int half = halfBits(d);
    byte[] block = new byte[BLOCK_BYTES];
    block[0] = (byte) half;
    block[1] = (byte) (half >> 8);
    for (int j = 0; j < BLOCK; j++) {
      float v = x[from + j] * id;
      BigRound r = new BigRound(v);
      block[2 + j] = (byte) r.value;
    }
    return block;
  }

  /** C's roundf on a float: to the nearest integer, ties away from zero. */
  private record BigRound(long value) {
    BigRound(float v) {
      this(new java.math.BigDecimal(v).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }
  }

  /** IEEE half bits of the nearest half to {@code v} (ties to even), for normal and subnormal halves. */
  static int halfBits(float v) {
    double rounded = ReferenceHalf.round(v);
    int sign = rounded < 0 || (rounded == 0 && 1 / (double) v < 0) ? 0x8000 : 0;
    double a = Math.abs(rounded);
    if (a == 0) {
      return sign;
    }
    int exponent = Math.getExponent(a);
    if (exponent < -14) { // subnormal: a multiple of 2^-24
      return sign | (int) Math.round(Math.scalb(a, 24));
    }
    int mantissa = (int) Math.round(Math.scalb(a, 10 - exponent)) - 1024;
    return sign | (exponent + 15) << 10 | mantissa;
  }
}
