package dev.alibi4j.engine.reference;

/**
 * bfloat16 rounding from its definition: float32's exponent range with 8 significant bits, round
 * half to even.
 */
public final class ReferenceBf16 {

  private ReferenceBf16() {}

  /** {@code v} rounded to the nearest bfloat16 value (normal range). */
  public static double round(double v) {
    if (v == 0) {
      return 0;
    }
    double spacing = Math.scalb(1.0, Math.getExponent(v) - 7);
    return Math.rint(v / spacing) * spacing;
  }
}
