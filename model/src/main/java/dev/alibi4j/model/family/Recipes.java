package dev.alibi4j.model.family;

import dev.alibi4j.engine.TransformerConfig;

/** Checks the recipes share. */
public final class Recipes {

  private Recipes() {}

  /**
   * Refuses to write a {@code config.json} of {@code family} for a config it cannot express.
   *
   * @param expressible what the family's config reads back as
   * @throws IllegalArgumentException naming the family and both configs
   */
  public static void requireSameDesign(String family, TransformerConfig wanted, TransformerConfig expressible) {
    if (!wanted.equals(expressible)) {
      throw new IllegalArgumentException(
          "a " + family + " config.json cannot express " + wanted + "; the closest is " + expressible);
    }
  }
}
