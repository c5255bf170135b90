package dev.alibi4j.engine.bias;

/** How ALiBi head slopes are derived from the head count. */
public enum SlopeScheme {
  /** Press et al.'s {@code get_slopes}, as in BLOOM's {@code build_alibi_tensor}. */
  BLOOM,
  /** MPT's {@code build_mpt_alibi_tensor}, parameterised by {@code alibi_bias_max}. */
  MPT
}
