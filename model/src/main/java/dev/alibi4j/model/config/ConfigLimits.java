package dev.alibi4j.model.config;

/**
 * Ranges of {@code config.json} values, checked as each is read and before anything is computed
 * from it. The bounds lie far beyond every published model (vocabularies up to ~256 k, widths up
 * to ~25 k, up to ~130 layers) yet keep every product the loader forms in range: 4 × {@link
 * #MAX_HIDDEN} fits an int many times over, and {@link #MAX_VOCAB} × {@link #MAX_HIDDEN} × 4 bytes
 * (2^43) fits a long. Without them {@code n_embed} 2^30 overflowed 4 × hidden to 0.
 */
public final class ConfigLimits {

  /** Largest {@code vocab_size}. */
  public static final int MAX_VOCAB = 1 << 24;

  /** Largest model width. */
  public static final int MAX_HIDDEN = 1 << 17;

  /** Most attention heads (a head is at least one channel wide, so also at most the width). */
  public static final int MAX_HEADS = 1 << 12;

  /** Most decoder blocks. */
  public static final int MAX_LAYERS = 1 << 12;

  /** {@code layer_norm_epsilon}: positive and still a normal float32, at most 1. */
  public static final double MIN_EPSILON = 1e-30;

  /** Largest {@code layer_norm_epsilon}. */
  public static final double MAX_EPSILON = 1;

  /** Smallest multiplier ({@code logit_scale}, {@code softmax_scale}, {@code clip_qkv}). */
  public static final double MIN_SCALE = 1e-6;

  /** Largest multiplier: beyond it float32 logits and scores lose all meaning. */
  public static final double MAX_SCALE = 1e6;

  /** Largest MPT {@code alibi_bias_max} (published models use 8). */
  public static final double MAX_ALIBI_BIAS = 1e3;

  private ConfigLimits() {}
}
