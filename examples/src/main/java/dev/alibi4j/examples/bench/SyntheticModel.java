package dev.alibi4j.examples.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.family.TensorSpec;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A checkpoint of random weights with a published model's shape, so that speed can be measured
 * without a download. It is written as a real checkpoint directory (the family recipe's
 * config.json and one safetensors file with the recipe's tensor names, streamed: no tensor is
 * ever held in memory) and then loaded like any other, so the benchmark measures the real loading
 * path.
 *
 * @param name the name {@code --synthetic} takes
 * @param family the model family
 * @param layers decoder blocks
 * @param hidden model width
 * @param heads attention heads
 * @param vocab vocabulary size
 * @param stored the type the published checkpoint stores its weights in
 */
public record SyntheticModel(
    String name, Family family, int layers, int hidden, int heads, int vocab, SafetensorsDtype stored) {

  /** bigscience/bloom-560m: 24 layers, hidden 1024, 16 heads, vocabulary 250,880. */
  public static final SyntheticModel BLOOM_560M =
      new SyntheticModel("bloom-560m", Family.BLOOM, 24, 1024, 16, 250880, SafetensorsDtype.F16);

  /** mosaicml/mpt-1b-redpajama-200b: 24 layers, d_model 2048, 16 heads, vocabulary 50,432. */
  public static final SyntheticModel MPT_1B =
      new SyntheticModel("mpt-1b", Family.MPT, 24, 2048, 16, 50432, SafetensorsDtype.BF16);

  /** mosaicml/mpt-7b: 32 layers, d_model 4096, 32 heads, vocabulary 50,432, stored in bfloat16. */
  public static final SyntheticModel MPT_7B =
      new SyntheticModel("mpt-7b", Family.MPT, 32, 4096, 32, 50432, SafetensorsDtype.BF16);

  /** tiiuae/falcon-rw-1b: 24 layers, hidden 2048, 32 heads, vocabulary 50,304, stored in bfloat16. */
  public static final SyntheticModel FALCON_RW_1B =
      new SyntheticModel("falcon-rw-1b", Family.FALCON, 24, 2048, 32, 50304, SafetensorsDtype.BF16);

  /** Every shape {@code --synthetic} offers. */
  public static final List<SyntheticModel> ALL = List.of(BLOOM_560M, MPT_1B, MPT_7B, FALCON_RW_1B);

  /** The shape called {@code name}; the error lists the names there are. */
  public static SyntheticModel named(String name) {
    return ALL.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown synthetic model '" + name + "'; choose one of "
                + ALL.stream().map(SyntheticModel::name).toList()));
  }

  /** The architecture: the family's standard design at these sizes (tied embeddings). */
  public TransformerConfig architecture() {
    return family.recipe().standard(vocab, hidden, heads, layers);
  }

  /** Number of parameters (tied embeddings counted once), from the family's tensor table. */
  public long parameters() {
    return family.recipe().tensors(architecture(), true).stream().mapToLong(TensorSpec::numel).sum();
  }

  /** Size of the safetensors file in {@code dtype}, header excluded. */
  public long bytes(SafetensorsDtype dtype) {
    return parameters() * dtype.byteSize();
  }

  /** Writes {@code config.json} and {@code model.safetensors} into {@code dir}. */
  public void write(Path dir, SafetensorsDtype dtype) throws IOException {
    Files.createDirectories(dir);
    JsonObject config = family.recipe().writeConfig(architecture(), true);
    config.addProperty("bos_token_id", 1);
    config.addProperty("eos_token_id", 2);
    Files.writeString(dir.resolve("config.json"),
        new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(config));
    SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
    for (TensorSpec t : family.recipe().tensors(architecture(), true)) {
      SafetensorsWriter.ValueSource values = switch (t.role().kind()) {
        case MATRIX -> uniform(t.name(), 0.02);
        case NORM_GAIN -> constant(1);
        case BIAS -> constant(0);
      };
      w.add(t.name(), dtype, t.shape(), values);
    }
    w.write(dir.resolve("model.safetensors"));
  }

  /** Uniform values of standard deviation {@code std}, seeded by the tensor's name. */
  private static SafetensorsWriter.ValueSource uniform(String seedName, double std) {
    SplittableRandom random = new SplittableRandom(seedName.hashCode());
    double halfWidth = std * Math.sqrt(3);
    // Chunks arrive in order, so one generator per tensor yields the same values every time.
    return (start, out, n) -> {
      for (int i = 0; i < n; i++) {
        out[i] = (float) ((random.nextDouble() * 2 - 1) * halfWidth);
      }
    };
  }

  private static SafetensorsWriter.ValueSource constant(float value) {
    return (start, out, n) -> Arrays.fill(out, 0, n, value);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s (%s, %d layers, hidden %d, %d heads, vocab %d)",
        name, family.modelType(), layers, hidden, heads, vocab);
  }
}
