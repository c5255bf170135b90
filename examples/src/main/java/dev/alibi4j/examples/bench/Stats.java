package dev.alibi4j.examples.bench;

import java.util.Arrays;

/** Summary statistics of repeated measurements. */
final class Stats {

  private Stats() {}

  /** The median (the mean of the middle two for an even count). */
  static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("no values");
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
