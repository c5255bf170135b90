package dev.alibi4j.model.safetensors;

import dev.alibi4j.engine.tensor.WeightRows;

/**
 * Bit-exact conversions between float32 and the 16-bit formats safetensors stores: IEEE half
 * (F16) and bfloat16 (BF16). Rounding is to nearest, ties to even, as in PyTorch.
 *
 * <p>BF16 is converted here, in Java, because DJL's PyTorch engine has no bfloat16 type.
 */
public final class HalfFloats {

  private HalfFloats() {}

  /** The float32 whose upper 16 bits are {@code bf16}: exact (the engine's conversion). */
  public static float bf16ToFloat(short bf16) {
    return WeightRows.bf16ToFloat(bf16);
  }

  /** Rounds to the nearest bfloat16 (ties to even); NaN stays a (quiet) NaN (the engine's conversion). */
  public static short floatToBf16(float value) {
    return WeightRows.floatToBf16(value);
  }

  /** The float32 equal to the IEEE half {@code half}: exact. */
  public static float halfToFloat(short half) {
    int bits = half & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1F;
    int mantissa = bits & 0x3FF;
    if (exponent == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float subnormal = mantissa * 0x1p-24f; // exact: at most 10 significant bits
      return sign != 0 ? -subnormal : subnormal;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /**
   * Rounds to the nearest IEEE half (ties to even). Values beyond ±65504 become infinities, tiny
   * values become half subnormals or signed zeros, NaN stays a (quiet) NaN.
   */
  public static short floatToHalf(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xFF;
    int mantissa = bits & 0x7FFFFF;
    if (exponent == 0xFF) {
      return (short) (mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | (mantissa >>> 13));
    }
    int halfExponent = exponent - 127 + 15;
    if (halfExponent >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign; // below half the smallest subnormal
      }
      int significand = mantissa | 0x800000;
      int shift = 14 - halfExponent; // 14..24
      return (short) (sign | roundShift(significand, shift));
    }
    // A carry out of the mantissa correctly bumps the exponent (up to infinity).
    return (short) (sign | roundShift((halfExponent << 23) | mantissa, 13));
  }

  /** {@code value >> shift}, rounded to nearest, ties to even. */
  private static int roundShift(int value, int shift) {
    int kept = value >>> shift;
    int rest = value & ((1 << shift) - 1);
    int half = 1 << (shift - 1);
    return rest > half || (rest == half && (kept & 1) != 0) ? kept + 1 : kept;
  }
}
