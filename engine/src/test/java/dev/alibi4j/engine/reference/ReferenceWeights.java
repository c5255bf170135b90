package dev.alibi4j.engine.reference;

import java.util.List;

/**
 * Float64 copies of a model's weights, {@code [out][in]} for matrices; null for absent biases.
 */
public record ReferenceWeights(
    double[][] embeddings,
    double[] embLnWeight,
    double[] embLnBias,
    List<Layer> layers,
    double[] finalLnWeight,
    double[] finalLnBias,
    double[][] lmHead) {

  /** One decoder block. */
  public record Layer(
      double[] ln1Weight,
      double[] ln1Bias,
      double[][] qkvWeight,
      double[] qkvBias,
      double[][] outWeight,
      double[] outBias,
      double[] ln2Weight,
      double[] ln2Bias,
      double[][] upWeight,
      double[] upBias,
      double[][] downWeight,
      double[] downBias) {}
}
