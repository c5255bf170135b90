package dev.alibi4j.engine.reference;

/**
 * IEEE 754 binary16 rounding, from its definition: 11 significant bits, round half to even,
 * exponents down to -14, below which the spacing is fixed at 2^-24 (subnormals).
 */
public final class ReferenceHalf {

  /** Largest finite half. */
  public static final double MAX = 65504;

  /** Unit roundoff: the largest relative error of one rounding to half, 2^-11. */
  public static final double UNIT_ROUNDOFF = Math.scalb(1.0, -11);

  private ReferenceHalf() {}

  /** {@code v} rounded to the nearest half-precision value (finite inputs within ±65504). */
  public static double round(double v) {
    if (Math.abs(v) > MAX) {
      throw new IllegalArgumentException(v + " overflows half precision");
    }
    int exponent = Math.max(Math.getExponent(v), -14); // subnormals share 2^-14's spacing
    double spacing = Math.scalb(1.0, exponent - 10);
    return Math.rint(v / spacing) * spacing;
  }
}
