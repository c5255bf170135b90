package dev.alibi4j.engine.reference;

/**
 * erf in float64 to about 1e-15, from its Maclaurin series below 2.5 and Laplace's continued
 * fraction for erfc above (Abramowitz and Stegun 7.1.5 and 7.1.14).
 */
public final class ReferenceErf {

  private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

  private ReferenceErf() {}

  /** The error function. */
  public static double erf(double z) {
    double a = Math.abs(z);
    double e = a < 2.5 ? series(a) : 1 - erfc(a);
    return Math.copySign(e, z);
  }

  /** The complementary error function for {@code z >= 2.5}. */
  public static double erfc(double z) {
    if (z < 2.5) {
      return 1 - series(z);
    }
    // erfc z = e^{-z²}/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated from the tail.
    double f = z;
    for (int k = 300; k >= 1; k--) {
      f = z + (k / 2.0) / f;
    }
    return Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  }

  /** erf z = 2/√π Σ (-1)^n z^{2n+1} / (n! (2n+1)); the largest term below 2.5 is about 16. */
  private static double series(double z) {
    double z2 = z * z;
    double power = z; // (-1)^n z^{2n+1} / n!
    double sum = z;
    for (int n = 1; n < 200; n++) {
      power *= -z2 / n;
      double term = power / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-18 * Math.abs(sum)) {
        break;
      }
    }
    return TWO_OVER_SQRT_PI * sum;
  }
}
