package dev.alibi4j.model.config;

import dev.alibi4j.engine.TransformerConfig;

/** The parsed {@code config.json} of one model family. */
public interface FamilyConfig {

  /** The architecture, in the engine's terms. */
  TransformerConfig transformerConfig();

  /** Token ids the family assumes when {@code config.json} does not set them. */
  SpecialTokens defaultSpecialTokens();

  /** Whether the output head is the embedding ({@code tie_word_embeddings}). */
  boolean tieWordEmbeddings();
}
