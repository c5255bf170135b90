package dev.alibi4j.engine.bias;

/**
 * ALiBi head slopes.
 *
 * <p>BLOOM follows {@code get_slopes} of Press et al. (ofirpress/attention_with_linear_biases,
 * fairseq {@code transformer.py}): for a power of two {@code n}, slopes are the geometric sequence
 * starting at {@code 2^(-8/n)} with that same ratio; otherwise the slopes of the closest lower
 * power of two, followed by every other slope of the next power of two.
 *
 * <p>MPT ({@code build_mpt_alibi_tensor}) uses {@code 1 / 2^(i * alibi_bias_max / n2)} for
 * {@code i = 1..n2}, {@code n2} the next power of two, interleaving odd then even entries when
 * {@code n} is not a power of two.
 */
public final class AlibiSlopes {

  private AlibiSlopes() {}

  /** Slopes of the given scheme for {@code numHeads} heads, head 0 first. */
  public static double[] of(SlopeScheme scheme, int numHeads, double alibiBiasMax) {
    return switch (scheme) {
      case BLOOM -> bloom(numHeads);
      case MPT -> mpt(numHeads, alibiBiasMax);
    };
  }

  /** Press et al.'s {@code get_slopes(n)}. */
  public static double[] bloom(int numHeads) {
    requirePositive(numHeads);
    int closest = Integer.highestOneBit(numHeads);
    double[] slopes = new double[numHeads];
    double[] base = powerOfTwoSlopes(closest);
    System.arraycopy(base, 0, slopes, 0, closest);
    if (closest != numHeads) {
      // Every other slope of the next power of two: indices 0, 2, 4, ... of get_slopes(2 * closest).
      double[] extra = powerOfTwoSlopes(2 * closest);
      for (int i = 0; i < numHeads - closest; i++) {
        slopes[closest + i] = extra[2 * i];
      }
    }
    return slopes;
  }

  /** MPT's slopes with its {@code alibi_bias_max} (8 by default). */
  public static double[] mpt(int numHeads, double alibiBiasMax) {
    requirePositive(numHeads);
    int n2 = numHeads == 1 ? 1 : Integer.highestOneBit(numHeads - 1) << 1;
    double[] all = new double[n2];
    for (int i = 0; i < n2; i++) {
      all[i] = 1.0 / Math.pow(2.0, (i + 1) * (alibiBiasMax / n2));
    }
    if (n2 == numHeads) {
      return all;
    }
    // concat(slopes[1::2], slopes[::2])[:numHeads]
    double[] slopes = new double[numHeads];
    int k = 0;
    for (int i = 1; i < n2 && k < numHeads; i += 2) {
      slopes[k++] = all[i];
    }
    for (int i = 0; i < n2 && k < numHeads; i += 2) {
      slopes[k++] = all[i];
    }
    return slopes;
  }

  // get_slopes_power_of_2(n): start = 2^(-2^-(log2(n) - 3)) = 2^(-8/n); slope_i = start^(i+1).
  private static double[] powerOfTwoSlopes(int n) {
    double start = Math.pow(2.0, -8.0 / n);
    double[] slopes = new double[n];
    for (int i = 0; i < n; i++) {
      slopes[i] = Math.pow(start, i + 1);
    }
    return slopes;
  }

  private static void requirePositive(int numHeads) {
    if (numHeads <= 0) {
      throw new IllegalArgumentException("numHeads must be > 0, got " + numHeads);
    }
  }
}
