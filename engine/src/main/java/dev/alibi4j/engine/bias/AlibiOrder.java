package dev.alibi4j.engine.bias;

/** Where the ALiBi bias enters the attention scores relative to the 1/√head_dim scale. */
public enum AlibiOrder {
  /** {@code q·kᵀ · scale + bias}: BLOOM ({@code baddbmm}), MPT. */
  AFTER_SCALE,
  /**
   * {@code (q·kᵀ + bias) · scale}: Falcon-RW. The same as {@link #AFTER_SCALE} with every slope
   * multiplied by the scale, which is how the engine runs it.
   */
  BEFORE_SCALE
}
