package dev.alibi4j.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.config.SpecialTokens;
import dev.alibi4j.model.safetensors.SafetensorsCheckpoint;
import dev.alibi4j.model.weights.WeightLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face checkpoint directory, loaded: {@code config.json}, the safetensors weights
 * (single file or shards), special token ids and the path of {@code tokenizer.json}. Closing it
 * frees the weights.
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.load(dir, DataType.FLOAT32)) {
 *   var model = new AlibiTransformer(ckpt.config(), ckpt.weights());
 *   ...
 * }
 * }</pre>
 *
 * @param directory the checkpoint directory
 * @param family the model family named by {@code model_type}
 * @param config the architecture, in the engine's terms
 * @param weights every weight, owned by a manager this checkpoint created
 * @param specialTokens bos/eos/pad ids: family defaults, then {@code config.json}, then {@code
 *     generation_config.json}
 * @param tokenizerJson {@code tokenizer.json} when the directory has one
 */
public record Checkpoint(
    Path directory,
    Family family,
    TransformerConfig config,
    ModelWeights weights,
    SpecialTokens specialTokens,
    Optional<Path> tokenizerJson)
    implements AutoCloseable {

  /** The model configuration file. */
  public static final String CONFIG_FILE = "config.json";

  /** The optional generation defaults, whose token ids override {@value #CONFIG_FILE}'s. */
  public static final String GENERATION_CONFIG_FILE = "generation_config.json";

  /** The optional tokenizer. */
  public static final String TOKENIZER_FILE = "tokenizer.json";

  /** Loads {@code dir} with FLOAT32 weights. */
  public static Checkpoint load(Path dir) {
    return load(dir, DataType.FLOAT32);
  }

  /**
   * Loads {@code dir}: reads and vets {@code config.json}, then loads every weight as {@code
   * computeDtype}, checking each shape. F32, F16 and BF16 storage are accepted.
   *
   * @param computeDtype FLOAT32 or FLOAT16
   * @throws CheckpointException naming the file and the tensor or field at fault
   * @throws IllegalArgumentException if {@code computeDtype} is neither FLOAT32 nor FLOAT16
   */
  public static Checkpoint load(Path dir, DataType computeDtype) {
    if (computeDtype != DataType.FLOAT32 && computeDtype != DataType.FLOAT16) {
      throw new IllegalArgumentException(
          "computeDtype must be FLOAT32 or FLOAT16, got " + computeDtype.name());
    }
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException("checkpoint directory not found: " + dir);
    }
    JsonConfig json = JsonConfig.read(dir.resolve(CONFIG_FILE));
    Family family = Family.of(json);
    FamilyConfig familyConfig = family.parse(json);
    SpecialTokens tokens = familyConfig.defaultSpecialTokens().overriddenBy(json);
    Path generationConfig = dir.resolve(GENERATION_CONFIG_FILE);
    if (Files.isRegularFile(generationConfig)) {
      tokens = tokens.overriddenBy(JsonConfig.read(generationConfig));
    }
    Path tokenizer = dir.resolve(TOKENIZER_FILE);
    Optional<Path> tokenizerJson =
        Files.isRegularFile(tokenizer) ? Optional.of(tokenizer) : Optional.empty();

    try (SafetensorsCheckpoint tensors = SafetensorsCheckpoint.open(dir)) {
      NDManager manager = NDManager.newBaseManager("PyTorch");
      try {
        ModelWeights weights =
            familyConfig.loadWeights(new WeightLoader(tensors, manager, computeDtype));
        return new Checkpoint(
            dir, family, familyConfig.transformerConfig(), weights, tokens, tokenizerJson);
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
    }
  }

  /** Frees the weights. */
  @Override
  public void close() {
    weights.close();
  }
}
