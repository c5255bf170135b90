package dev.alibi4j.examples.train;

/**
 * Hyperparameters of a training run; validated on construction.
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

  public TrainConfig {
    positive("layers", layers);
    positive("hidden", hidden);
    positive("heads", heads);
    positive("steps", steps);
    positive("batch", batch);
    positive("eval-every", evalEvery);
    if (context < 2) {
      throw new IllegalArgumentException("context must be >= 2, got " + context);
    }
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
    }
    if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
      throw new IllegalArgumentException("lr must be a finite number > 0, got " + learningRate);
    }
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + v);
    }
  }
}
