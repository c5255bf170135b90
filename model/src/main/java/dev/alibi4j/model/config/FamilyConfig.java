package dev.alibi4j.model.config;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.weights.WeightLoader;

/** The parsed {@code config.json} of one model family, and how its weights are named. */
public interface FamilyConfig {

  /** The architecture, in the engine's terms. */
  TransformerConfig transformerConfig();

  /** Token ids the family assumes when {@code config.json} does not set them. */
  SpecialTokens defaultSpecialTokens();

  /**
   * Loads every weight, checking each shape against this config.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the tensor, the file and the shapes
   */
  ModelWeights loadWeights(WeightLoader loader);
}
