package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Layer norm over the last axis; a missing bias is replaced by zeros (DJL requires one). */
public final class LayerNorm {

  private final NDArray weight; // [hidden]
  private final NDArray bias; // [hidden]
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
    this.normalizedShape = weight.getShape();
    this.eps = (float) eps;
  }

  /** {@code [..., hidden]} to {@code [..., hidden]}. */
  public NDArray forward(NDArray x) {
    return ai.djl.nn.norm.LayerNorm.layerNorm(x, normalizedShape, weight, bias, eps)
        .singletonOrThrow();
  }
}
