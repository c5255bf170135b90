package dev.alibi4j.model;

import dev.alibi4j.model.bloom.BloomRecipe;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.falcon.FalconRecipe;
import dev.alibi4j.model.family.FamilyRecipe;
import dev.alibi4j.model.mpt.MptRecipe;
import java.util.Arrays;
import java.util.List;

/**
 * The model families alibi4j loads, keyed by {@code config.json}'s {@code model_type}; each is one
 * {@link FamilyRecipe}. A new family is a new recipe and a new constant here.
 */
public enum Family {
  /** BigScience BLOOM. */
  BLOOM(new BloomRecipe()),
  /** MosaicML MPT. */
  MPT(new MptRecipe()),
  /** TII Falcon-RW (the ALiBi Falcons). */
  FALCON(new FalconRecipe());

  private final FamilyRecipe recipe;

  Family(FamilyRecipe recipe) {
    this.recipe = recipe;
  }

  /** The preferred {@code model_type} value naming this family. */
  public String modelType() {
    return recipe.modelTypes().get(0);
  }

  /** Everything about the family: config, tensor names, block design. */
  public FamilyRecipe recipe() {
    return recipe;
  }

  /** Reads this family's {@code config.json}. */
  public FamilyConfig parse(JsonConfig json) {
    return recipe.parse(json);
  }

  /**
   * The family named by {@code json}'s {@code model_type}.
   *
   * @throws CheckpointException naming the file, the value and the supported ones
   */
  public static Family of(JsonConfig json) {
    String type =
        json.optString("model_type")
            .orElseThrow(() -> json.error("missing required field 'model_type'"));
    return Arrays.stream(values())
        .filter(f -> f.recipe.modelTypes().contains(type))
        .findFirst()
        .orElseThrow(() -> json.unsupported(
            "model_type", "\"" + type + "\"", "supported: " + supported()));
  }

  /** The family whose preferred {@code model_type} is {@code type}. */
  public static Family named(String type) {
    return Arrays.stream(values())
        .filter(f -> f.recipe.modelTypes().contains(type))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown family '" + type + "': supported " + supported()));
  }

  private static String supported() {
    List<String> all = Arrays.stream(values()).flatMap(f -> f.recipe.modelTypes().stream())
        .map(t -> "\"" + t + "\"").toList();
    return all.toString();
  }
}
