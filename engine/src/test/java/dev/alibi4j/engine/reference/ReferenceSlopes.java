package dev.alibi4j.engine.reference;

import java.util.ArrayList;
import java.util.List;

/**
 * ALiBi slopes transcribed from the published definitions, independent of the engine's code.
 */
public final class ReferenceSlopes {

  private ReferenceSlopes() {}

  /**
   * Press et al., fairseq {@code get_slopes(n)}: recursive on the closest power of two.
   */
  public static double[] bloom(int n) {
    List<Double> out = getSlopes(n);
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static List<Double> getSlopes(int n) {
    double log2 = Math.log(n) / Math.log(2);
    if (log2 == Math.floor(log2)) {
      return powerOf2(n);
    }
    int closest = (int) Math.pow(2, Math.floor(log2));
    List<Double> slopes = new ArrayList<>(powerOf2(closest));
    List<Double> extra = getSlopes(2 * closest);
    for (int i = 0; i < extra.size() && slopes.size() < n; i += 2) {
      slopes.add(extra.get(i)); // get_slopes(2*closest)[0::2][:n-closest]
    }
    return slopes;
  }

  private static List<Double> powerOf2(int n) {
    double start = Math.pow(2, -Math.pow(2, -(Math.log(n) / Math.log(2) - 3)));
    List<Double> s = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      s.add(start * Math.pow(start, i));
    }
    return s;
  }

  /** HF {@code build_mpt_alibi_tensor}'s slopes. */
  public static double[] mpt(int n, double alibiBiasMax) {
    int n2 = (int) Math.pow(2, Math.ceil(Math.log(n) / Math.log(2)));
    double[] base = new double[n2];
    for (int i = 0; i < n2; i++) {
      base[i] = 1.0 / Math.pow(2, (i + 1) * (alibiBiasMax / n2));
    }
    if (n2 == n) {
      return base;
    }
    List<Double> reordered = new ArrayList<>();
    for (int i = 1; i < n2; i += 2) {
      reordered.add(base[i]);
    }
    for (int i = 0; i < n2; i += 2) {
      reordered.add(base[i]);
    }
    return reordered.subList(0, n).stream().mapToDouble(Double::doubleValue).toArray();
  }
}
