package dev.alibi4j.model;

import ai.djl.ndarray.NDManager;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.torch.TorchEnvironment;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.config.SpecialTokens;
import dev.alibi4j.model.pytorch.PytorchCheckpoint;
import dev.alibi4j.model.safetensors.SafetensorsCheckpoint;
import dev.alibi4j.model.weights.CopiedTensors;
import dev.alibi4j.model.weights.TensorSource;
import dev.alibi4j.model.weights.WeightLoader;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A Hugging Face checkpoint directory, loaded: {@code config.json}, the weights (safetensors or
 * PyTorch {@code .bin}, single file or shards), special token ids and the path of {@code tokenizer.json}. Closing it
 * frees the weights.
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.load(dir, WeightType.Q8_0)) {
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

  /** Loads {@code dir} with every matrix as the checkpoint stores it: mapped, no copy. */
  public static Checkpoint load(Path dir) {
    return load(dir, null);
  }

  /**
   * Loads {@code dir} with the {@link LoadOptions#DEFAULT default options}; see {@link #load(Path,
   * WeightType, LoadOptions)}.
   */
  public static Checkpoint load(Path dir, WeightType type) {
    return load(dir, type, LoadOptions.DEFAULT);
  }

  /**
   * Loads {@code dir}: reads and vets {@code config.json}, then loads every weight, checking each
   * shape and refusing NaN or infinite values. F32, F16 and BF16 storage are accepted. Matrices
   * are held in {@code type}: mapped from the file when it stores them so (unless {@code options}
   * say not to map), else converted (or quantized) while loading; vectors are float32.
   *
   * <p>A pending interrupt of the calling thread does not stop the load; it is set again after.
   *
   * @param type storage type of the matrices; null keeps the checkpoint's own
   * @param options how to load: {@link LoadOptions#mmap()}
   * @throws CheckpointException naming the file and the tensor or field at fault
   */
  public static Checkpoint load(Path dir, WeightType type, LoadOptions options) {
    return InterruptsDeferred.load(dir, () -> read(dir, type, options));
  }

  private static Checkpoint read(Path dir, WeightType type, LoadOptions options) {
    TorchEnvironment.prepare(); // before libtorch loads
    CheckpointFiles.requireDirectory(dir);
    JsonConfig json = JsonConfig.read(dir.resolve(CONFIG_FILE));
    Family family = Family.of(json);
    FamilyConfig familyConfig = family.parse(json);
    int vocab = familyConfig.transformerConfig().vocabSize();
    SpecialTokens tokens = familyConfig.defaultSpecialTokens().overriddenBy(json, vocab);
    Path generationConfig = dir.resolve(GENERATION_CONFIG_FILE);
    if (CheckpointFiles.present(generationConfig)) {
      tokens = tokens.overriddenBy(JsonConfig.read(generationConfig), vocab);
    }
    Path tokenizer = dir.resolve(TOKENIZER_FILE);
    Optional<Path> tokenizerJson = Optional.empty();
    if (CheckpointFiles.present(tokenizer)) {
      CheckpointFiles.requireReadable(tokenizer); // say why now, not as a tokenizer error later
      tokenizerJson = Optional.of(tokenizer);
    }

    try (TensorSource tensors = openTensors(dir, options.mmap())) {
      NDManager manager = NDManager.newBaseManager("PyTorch");
      Arena storage = Arena.ofShared(); // mappings and converted bytes, released with the weights
      try {
        ModelWeights weights =
            family.recipe().loadWeights(familyConfig.transformerConfig(), familyConfig.tieWordEmbeddings(),
                new WeightLoader(tensors, manager, type, storage));
        return new Checkpoint(
            dir, family, familyConfig.transformerConfig(), weights, tokens, tokenizerJson);
      } catch (RuntimeException e) {
        manager.close();
        storage.close();
        throw e;
      }
    }
  }

  /**
   * The weight files of {@code dir}: safetensors when present (as transformers prefers them),
   * else PyTorch {@code .bin} files, read without running any of their pickled code.
   */
  private static TensorSource openTensors(Path dir, boolean mmap) {
    if (SafetensorsCheckpoint.present(dir)) {
      return SafetensorsCheckpoint.open(dir, mmap);
    }
    if (PytorchCheckpoint.present(dir)) {
      TensorSource bin = PytorchCheckpoint.open(dir);
      return mmap ? bin : new CopiedTensors(bin);
    }
    throw new CheckpointException("no weights in " + dir + ": expected " + SafetensorsCheckpoint.SINGLE_FILE
        + ", " + SafetensorsCheckpoint.INDEX_FILE + ", " + PytorchCheckpoint.SINGLE_FILE + " or "
        + PytorchCheckpoint.INDEX_FILE);
  }

  /** Frees the weights. */
  @Override
  public void close() {
    weights.close();
  }
}
