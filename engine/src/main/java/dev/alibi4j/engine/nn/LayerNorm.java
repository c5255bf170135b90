package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Layer norm over the last axis; a missing bias is replaced by zeros (DJL requires one). The
 * NDArray form runs in libtorch; {@link #apply} is the same on one Java row (a decode step), with
 * the mean and variance accumulated in double.
 */
public final class LayerNorm {

  private final NDArray weight; // [hidden]
  private final NDArray bias; // [hidden]
  private final float[] gain; // [hidden]
  private final float[] shift; // [hidden]
  private final Shape normalizedShape;
  private final float eps;

  /**
   * @param weight gain {@code [hidden]}
   * @param bias bias {@code [hidden]}, or null for none
   * @param eps added to the variance
   */
  public LayerNorm(NDArray weight, NDArray bias, double eps) {
    this.weight = weight;
    this.bias = bias != null ? bias : weight.zerosLike();
    this.gain = weight.toFloatArray();
    this.shift = this.bias.toFloatArray();
    this.normalizedShape = weight.getShape();
    this.eps = (float) eps;
  }

  /** {@code [..., hidden]} to {@code [..., hidden]}. */
  public NDArray forward(NDArray x) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalizedShape, weight, bias, eps)
        .singletonOrThrow();
  }

  /** The normalized width (hidden). */
  public int size() {
    return gain.length;
  }

  /** Normalizes {@code x[from, from + hidden)} into {@code out[from, ...)} ({@code out} may be {@code x}). */
  public void apply(float[] x, int from, float[] out) {
    int n = gain.length;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += x[from + i];
    }
    double mean = sum / n;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double d = x[from + i] - mean;
      squares += d * d;
    }
    float rstd = (float) (1 / Math.sqrt(squares / n + eps));
    float m = (float) mean;
    for (int i = 0; i < n; i++) {
      out[from + i] = (x[from + i] - m) * rstd * gain[i] + shift[i];
    }
  }
}
