package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.alibi4j.engine.kernel.Gelu;
import dev.alibi4j.engine.kernel.Kernel;

/** Position-wise feed-forward: {@code down(act(up(x)))}. */
public final class Mlp {

  // BLOOM's bloom_gelu_forward uses this rounded √(2/π); keep it to match the reference exactly.
  private static final float SQRT_2_OVER_PI = Gelu.SQRT_2_OVER_PI;

  private final Linear up; // [ffn, hidden]
  private final Linear down; // [hidden, ffn]
  private final Activation activation;
  private final Kernel kernel;
  private final NDArray linearCoefficient; // [] float32: 2√(2/π)
  private final NDArray cubicCoefficient; // [] float32: 2√(2/π) * 0.044715

  /**
   * @param kernel runs the activation of {@link #decode}
   * @param manager owner of the two scalar arrays the NDArray path uses
   */
  public Mlp(Linear up, Linear down, Activation activation, Kernel kernel, NDManager manager) {
    this.up = up;
    this.down = down;
    this.activation = activation;
    this.kernel = kernel;
    // Scalars as arrays made once: DJL turns every Java scalar operand into a new native array.
    this.linearCoefficient = manager.create(2 * SQRT_2_OVER_PI);
    this.cubicCoefficient = manager.create(2 * SQRT_2_OVER_PI * 0.044715f);
    NDScope.unregister(linearCoefficient, cubicCoefficient);
  }

  /** {@code [batch, seq, hidden]} to {@code [batch, seq, hidden]}. */
  public NDArray forward(NDArray x) {
    NDArray inner = up.forward(x); // [batch, seq, ffn]
    return down.forward(activate(inner));
  }

  /**
   * The same on Java rows: {@code in [rows, hidden]} to {@code out [rows, hidden]} through {@code
   * inner [rows, ffn]}.
   */
  public void decode(float[] in, float[] inner, float[] out, int rows) {
    up.multiply(in, inner, rows);
    int ffn = up.out();
    // Row by row: the vector loop leaves a width's last (ffn mod lanes) values to the scalar
    // form, which rounds differently; a row must come out the same with or without others.
    for (int r = 0; r < rows; r++) {
      switch (activation) {
        case GELU_EXACT -> kernel.geluExact(inner, r * ffn, ffn);
        case GELU_TANH -> kernel.geluTanh(inner, r * ffn, ffn);
      }
    }
    down.multiply(inner, out, rows);
  }

  /** Inner width (ffn). */
  public int innerSize() {
    return up.out();
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
