package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;

/** Position-wise feed-forward: {@code down(act(up(x)))}. */
public final class Mlp {

  // BLOOM's bloom_gelu_forward uses this rounded √(2/π); keep it to match the reference exactly.
  private static final float SQRT_2_OVER_PI = 0.79788456f;

  private final Linear up; // [ffn, hidden]
  private final Linear down; // [hidden, ffn]
  private final Activation activation;

  public Mlp(Linear up, Linear down, Activation activation) {
    this.up = up;
    this.down = down;
    this.activation = activation;
  }

  /** {@code [batch, seq, hidden]} to {@code [batch, seq, hidden]}. */
  public NDArray forward(NDArray x) {
    NDArray inner = up.forward(x); // [batch, seq, ffn]
    return down.forward(activate(inner));
  }

  private NDArray activate(NDArray x) {
    return switch (activation) {
      case GELU_EXACT -> ai.djl.nn.Activation.gelu(x);
      case GELU_TANH -> {
        // 0.5 x (1 + tanh(√(2/π) x (1 + 0.044715 x²)))
        NDArray inner = x.mul(x).muli(0.044715f).addi(1f).muli(x).muli(SQRT_2_OVER_PI);
        yield inner.tanh().add(1f).muli(x).muli(0.5f); // tanh's output is kept for its gradient: no in-place write
      }
    };
  }
}
