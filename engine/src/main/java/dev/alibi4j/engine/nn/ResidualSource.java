package dev.alibi4j.engine.nn;

/** What a block adds its attention and MLP outputs to. */
public enum ResidualSource {
  /** The sublayer's input, as in most pre-norm models (MPT, Falcon, BLOOM by default). */
  INPUT,
  /** The sublayer's normed input: BLOOM's {@code apply_residual_connection_post_layernorm}. */
  NORMED_INPUT
}
