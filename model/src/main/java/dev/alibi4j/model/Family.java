package dev.alibi4j.model;

import dev.alibi4j.model.bloom.BloomConfig;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.mpt.MptConfig;
import java.util.Arrays;
import java.util.function.Function;

/** The model families alibi4j loads, keyed by {@code config.json}'s {@code model_type}. */
public enum Family {
  /** BigScience BLOOM. */
  BLOOM(BloomConfig.MODEL_TYPE, BloomConfig::parse),
  /** MosaicML MPT. */
  MPT(MptConfig.MODEL_TYPE, MptConfig::parse);

  private final String modelType;
  private final Function<JsonConfig, FamilyConfig> parser;

  Family(String modelType, Function<JsonConfig, FamilyConfig> parser) {
    this.modelType = modelType;
    this.parser = parser;
  }

  /** The {@code model_type} value naming this family. */
  public String modelType() {
    return modelType;
  }

  /** Reads this family's {@code config.json}. */
  public FamilyConfig parse(JsonConfig json) {
    return parser.apply(json);
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
        .filter(f -> f.modelType.equals(type))
        .findFirst()
        .orElseThrow(() -> json.unsupported(
            "model_type", "\"" + type + "\"", "supported: " + supported()));
  }

  private static String supported() {
    return Arrays.stream(values()).map(f -> "\"" + f.modelType + "\"").toList().toString();
  }
}
