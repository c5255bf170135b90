package dev.alibi4j.examples.train;

import java.util.Locale;

/**
 * Hyperparameters of a training run; validated on construction, upper limits included, so that
 * a run too large to fit fails at once with the limit named rather than hours later (or with an
 * array size that overflows).
 *
 * @param layers decoder blocks
 * @param hidden model width
 * @param heads attention heads (hidden must be a multiple)
 * @param context training sequence length
 * @param steps optimizer steps
 * @param batch sequences per step
 * @param learningRate peak AdamW learning rate (linear warm-up, cosine decay to 10%)
 * @param seed initialisation and batch sampling seed
 * @param evalEvery steps between held-out evaluations
 */
public record TrainConfig(
    int layers, int hidden, int heads, int context, int steps, int batch, double learningRate,
    long seed, int evalEvery) {

  public static final int MAX_LAYERS = 64;
  public static final int MAX_HIDDEN = 4096;
  public static final int MAX_CONTEXT = 8192;
  public static final int MAX_BATCH = 4096;
  public static final double MAX_LEARNING_RATE = 1.0;

  /** Tokens in one step's batch: its logits alone take 257 floats each. */
  public static final long MAX_TOKENS_PER_STEP = 1 << 20;

  /** Attention scores of one layer for one step (batch × heads × context²): 1 GiB of float32. */
  public static final long MAX_ATTENTION_SCORES = 1L << 28;

  /** Parameters; with gradients and AdamW's two moments training holds 16 bytes each. */
  public static final long MAX_PARAMETERS = 500_000_000L;

  public TrainConfig {
    range("layers", layers, 1, MAX_LAYERS);
    range("hidden", hidden, 1, MAX_HIDDEN);
    range("heads", heads, 1, hidden);
    range("context", context, 2, MAX_CONTEXT);
    range("steps", steps, 1, Integer.MAX_VALUE);
    range("batch", batch, 1, MAX_BATCH);
    range("eval-every", evalEvery, 1, Integer.MAX_VALUE);
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
    }
    if (!(learningRate > 0) || learningRate > MAX_LEARNING_RATE) {
      throw new IllegalArgumentException("lr must be > 0 and at most " + MAX_LEARNING_RATE + ", got " + learningRate);
    }
    long tokens = (long) batch * (context + 1);
    if (tokens > MAX_TOKENS_PER_STEP) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "batch × (context + 1) = %,d tokens per step is too large: at most %,d; lower batch or context",
          tokens, MAX_TOKENS_PER_STEP));
    }
    long scores = (long) batch * heads * context * context;
    if (scores > MAX_ATTENTION_SCORES) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "batch × heads × context² = %,d attention scores per layer is too large: at most %,d;"
              + " lower batch, heads or context", scores, MAX_ATTENTION_SCORES));
    }
    long parameters = parameters(layers, hidden); // the fields are not set yet in here
    if (parameters > MAX_PARAMETERS) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "%d layers of width %d make %,d parameters, too many: at most %,d (16 bytes each while"
              + " training); lower layers or hidden", layers, hidden, parameters, MAX_PARAMETERS));
    }
  }

  /**
   * Parameters of the model: per block 12·hidden² weights (QKV, output, 4× MLP) and two norms,
   * plus the tied 257-row byte embedding and the final norm.
   */
  public long parameters() {
    return parameters(layers, hidden);
  }

  private static long parameters(int layers, long h) {
    return layers * (12 * h * h + 2 * h) + 257 * h + h;
  }

  private static void range(String name, int v, int min, int max) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ", got " + v);
    }
    if (v > max) {
      throw new IllegalArgumentException(name + " " + v + " is too large: at most " + max);
    }
  }
}
