package dev.alibi4j.engine.kernel;

/**
 * Scalar GELU, the form every kernel follows. {@code erf} uses Abramowitz and Stegun's 7.1.26
 * (absolute error below 1.5e-7, float32's own resolution near 1): the JDK has no {@code erf}, and
 * this form vectorizes (one exponential, a polynomial).
 */
public final class Gelu {

  /** BLOOM's rounded √(2/π) ({@code bloom_gelu_forward}). */
  public static final float SQRT_2_OVER_PI = 0.79788456f;

  public static final float P = 0.3275911f;
  public static final float A1 = 0.254829592f;
  public static final float A2 = -0.284496736f;
  public static final float A3 = 1.421413741f;
  public static final float A4 = -1.453152027f;
  public static final float A5 = 1.061405429f;
  public static final float INV_SQRT_2 = 0.70710678f;

  private Gelu() {}

  /** {@code 0.5 x (1 + tanh(√(2/π) x (1 + 0.044715 x²)))}. */
  public static float tanhForm(float x) {
    return x * 0.5f * (1f + (float) Math.tanh(SQRT_2_OVER_PI * x * (1f + 0.044715f * x * x)));
  }

  /** {@code 0.5 x (1 + erf(x / √2))}. */
  public static float exact(float x) {
    return 0.5f * x * (1f + erf(x * INV_SQRT_2));
  }

  /** erf by Abramowitz and Stegun 7.1.26. */
  public static float erf(float u) {
    float a = Math.abs(u);
    float t = 1f / (1f + P * a);
    float poly = ((((A5 * t + A4) * t + A3) * t + A2) * t + A1) * t;
    float e = 1f - poly * (float) Math.exp(-a * a);
    return Math.copySign(e, u);
  }
}
