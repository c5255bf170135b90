package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;

/** Position-wise feed-forward: {@code down(act(up(x)))}. */
public final class Mlp {

  // BLOOM's bloom_gelu_forward uses this rounded √(2/π); keep it to match the reference exactly.
  private static final float SQRT_2_OVER_PI = 0.79788456f;

  private final Linear up; // [ffn, hidden]
  private final Linear down; // [hidden, ffn]
  private final Activation activation;
  private final NDArray linearCoefficient; // [] float32: 2√(2/π)
  private final NDArray cubicCoefficient; // [] float32: 2√(2/π) * 0.044715

  public Mlp(Linear up, Linear down, Activation activation) {
    this.up = up;
    this.down = down;
    this.activation = activation;
    // Scalars as arrays made once: DJL turns every Java scalar operand into a new native array.
    NDManager manager = up.weight().getManager();
    this.linearCoefficient = manager.create(2 * SQRT_2_OVER_PI);
    this.cubicCoefficient = manager.create(2 * SQRT_2_OVER_PI * 0.044715f);
    NDScope.unregister(linearCoefficient, cubicCoefficient);
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
        // 0.5 x (1 + tanh(z)) = x sigmoid(2z), z = √(2/π) (x + 0.044715 x³): 5 operations, not 9.
        NDArray twiceZ = x.mul(x).muli(cubicCoefficient).addi(linearCoefficient).muli(x); // [..., ffn]
        yield ai.djl.nn.Activation.sigmoid(twiceZ).mul(x); // sigmoid's output is kept for its gradient: no in-place write
      }
    };
  }
}
