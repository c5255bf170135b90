package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;

/** {@code y = x W^T + b} with W in PyTorch layout {@code [out, in]}; bias optional. */
public record Linear(NDArray weight, NDArray bias) {

  /** {@code [..., in]} to {@code [..., out]}. */
  public NDArray forward(NDArray x) {
    return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }
}
