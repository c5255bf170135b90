package dev.alibi4j.engine.nn;

/** MLP non-linearity. */
public enum Activation {
  /** BLOOM's tanh approximation: {@code 0.5 x (1 + tanh(0.79788456 x (1 + 0.044715 x²)))}. */
  GELU_TANH,
  /** MPT's exact GELU: {@code 0.5 x (1 + erf(x / √2))}. */
  GELU_EXACT
}
