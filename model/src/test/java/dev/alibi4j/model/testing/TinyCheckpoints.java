package dev.alibi4j.model.testing;

import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.family.TensorRole;
import dev.alibi4j.model.family.TensorSpec;
import dev.alibi4j.model.safetensors.HalfFloats;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes tiny random BLOOM, MPT or Falcon-RW checkpoint directories (names, shapes and
 * {@code config.json} from the family's recipe; safetensors, or PyTorch {@code .bin} files with
 * {@link Spec#pytorchBin()}) for tests, and returns the exact float values stored.
 *
 * <pre>{@code
 * Written w = TinyCheckpoints.bloom().heads(4).dtype(SafetensorsDtype.BF16).write(dir);
 * try (Checkpoint ckpt = Checkpoint.load(dir)) {
 *   float[] expected = w.values("h.0.self_attention.query_key_value.weight");
 * }
 * }</pre>
 *
 * <p>Scales follow the engine's {@code RandomModel}: attention is far from uniform, so a wrong
 * layout or slope shows in the outputs.
 */
public final class TinyCheckpoints {

  private TinyCheckpoints() {}

  /**
   * What was written.
   *
   * @param dir the checkpoint directory
   * @param values stored values as float32 (already rounded to the storage dtype, so a FLOAT32
   *     load must reproduce them exactly), keyed by name without the {@code transformer.} prefix;
   *     {@code lm_head.weight} only when untied
   * @param shapes shape of every tensor, same keys
   */
  public record Written(Path dir, Map<String, float[]> values, Map<String, long[]> shapes) {

    /** The stored values of {@code name} (unprefixed). */
    public float[] values(String name) {
      float[] v = values.get(name);
      if (v == null) {
        throw new IllegalArgumentException("no tensor " + name + " in " + values.keySet());
      }
      return v;
    }

    /** The shape of {@code name} (unprefixed). */
    public long[] shape(String name) {
      return shapes.get(name).clone();
    }
  }

  /** A BLOOM spec: vocab 32, hidden 16, 4 heads, 2 layers, F32, no prefix, tied, one file. */
  public static Spec bloom() {
    return new Spec(Family.BLOOM);
  }

  /** An MPT spec with the same defaults as {@link #bloom()}. */
  public static Spec mpt() {
    return new Spec(Family.MPT);
  }

  /** A Falcon-RW spec with the same defaults as {@link #bloom()}. */
  public static Spec falcon() {
    return new Spec(Family.FALCON);
  }

  /** A spec of {@code family} with the same defaults as {@link #bloom()}. */
  public static Spec of(Family family) {
    return new Spec(family);
  }

  /** Writes a default BLOOM checkpoint with {@code heads} heads stored as {@code dtype}. */
  public static Written writeBloom(Path dir, int heads, SafetensorsDtype dtype, long seed) {
    return bloom().heads(heads).dtype(dtype).seed(seed).write(dir);
  }

  /** Writes a default MPT checkpoint with {@code heads} heads stored as {@code dtype}. */
  public static Written writeMpt(Path dir, int heads, SafetensorsDtype dtype, long seed) {
    return mpt().heads(heads).dtype(dtype).seed(seed).write(dir);
  }

  /** Settings of one tiny checkpoint; every setter returns this. */
  public static final class Spec {
    private final Family family;
    private final Map<String, TensorRole> roles = new LinkedHashMap<>();
    private int vocab = 32;
    private int hidden = 16;
    private int heads = 4;
    private int layers = 2;
    private SafetensorsDtype dtype = SafetensorsDtype.F32;
    private boolean prefix;
    private boolean untiedLmHead;
    private int shards = 1;
    private boolean pytorchBin;
    private long seed = 42;
    private final Set<String> omitted = new LinkedHashSet<>();
    private final List<Consumer<JsonObject>> configEdits = new ArrayList<>();

    private Spec(Family family) {
      this.family = family;
    }

    /** Vocabulary size. */
    public Spec vocab(int vocab) {
      this.vocab = vocab;
      return this;
    }

    /** Model width; must be a multiple of the head count. */
    public Spec hidden(int hidden) {
      this.hidden = hidden;
      return this;
    }

    /** Attention heads. */
    public Spec heads(int heads) {
      this.heads = heads;
      return this;
    }

    /** Decoder blocks. */
    public Spec layers(int layers) {
      this.layers = layers;
      return this;
    }

    /** Storage dtype of every tensor: F32, F16 or BF16. */
    public Spec dtype(SafetensorsDtype dtype) {
      this.dtype = dtype;
      return this;
    }

    /** Whether body tensor names carry the {@code transformer.} prefix. */
    public Spec prefix(boolean prefix) {
      this.prefix = prefix;
      return this;
    }

    /** Stores a separate {@code lm_head.weight} and sets {@code tie_word_embeddings: false}. */
    public Spec untiedLmHead() {
      this.untiedLmHead = true;
      return this;
    }

    /** Splits the tensors over this many shards plus an index (1: a single model.safetensors). */
    public Spec shards(int shards) {
      this.shards = shards;
      return this;
    }

    /**
     * Writes PyTorch {@code .bin} files ({@code pytorch_model.bin}, or shards listed by {@code
     * pytorch_model.bin.index.json}) instead of safetensors, one storage per tensor.
     */
    public Spec pytorchBin() {
      this.pytorchBin = true;
      return this;
    }

    /** Random seed of the values. */
    public Spec seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Leaves tensor {@code name} (unprefixed) out of the files. */
    public Spec omit(String name) {
      omitted.add(name);
      return this;
    }

    /** Edits {@code config.json} after it is generated (add, change or remove fields). */
    public Spec config(Consumer<JsonObject> edit) {
      configEdits.add(edit);
      return this;
    }

    /** Writes {@code config.json} and the safetensors file(s) into {@code dir} (created). */
    public Written write(Path dir) {
      try {
        Files.createDirectories(dir);
        JsonObject config = config();
        configEdits.forEach(edit -> edit.accept(config));
        Files.writeString(dir.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
        Map<String, long[]> shapes = shapes();
        Map<String, float[]> values = randomValues(shapes);
        shapes.keySet().removeAll(omitted);
        values.keySet().removeAll(omitted);
        writeTensors(dir, shapes, values);
        return new Written(
            dir, Collections.unmodifiableMap(values), Collections.unmodifiableMap(shapes));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The architecture the settings describe: the family's standard design at these sizes. */
    public TransformerConfig architecture() {
      return family.recipe().standard(vocab, hidden, heads, layers);
    }

    /** The family's own config.json, plus the fields a Hugging Face save adds. */
    private JsonObject config() {
      JsonObject c = family.recipe().writeConfig(architecture(), !untiedLmHead);
      switch (family) {
        case BLOOM -> {
          c.addProperty("bos_token_id", 1);
          c.addProperty("eos_token_id", 2);
          c.addProperty("pad_token_id", 3);
        }
        case MPT -> {
          // Fields transformers writes and alibi4j ignores, to keep the parser honest.
          c.addProperty("max_seq_len", 128);
          c.addProperty("learned_pos_emb", true);
          JsonObject attn = c.getAsJsonObject("attn_config");
          attn.addProperty("attn_impl", "torch");
          attn.addProperty("attn_pdrop", 0);
          attn.addProperty("attn_uses_sequence_id", false);
          JsonObject ffn = new JsonObject();
          ffn.addProperty("ffn_type", "mptmlp");
          c.add("ffn_config", ffn);
          c.addProperty("eos_token_id", 0);
        }
        case FALCON -> {
          c.addProperty("bos_token_id", 1);
          c.addProperty("eos_token_id", 2);
          c.addProperty("hidden_dropout", 0.0);
          c.addProperty("attention_dropout", 0.0);
        }
      }
      return c;
    }

    /** Every tensor's shape, from the family's table. */
    private Map<String, long[]> shapes() {
      Map<String, long[]> s = new LinkedHashMap<>();
      for (TensorSpec t : family.recipe().tensors(architecture(), !untiedLmHead)) {
        s.put(t.name(), t.shape());
        roles.put(t.name(), t.role());
      }
      return s;
    }

    private Map<String, float[]> randomValues(Map<String, long[]> shapes) {
      Random random = new Random(seed);
      Map<String, float[]> values = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : shapes.entrySet()) {
        String name = e.getKey();
        long[] shape = e.getValue();
        int n = (int) Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
          v[i] = stored(sample(random, roles.get(name), shape));
        }
        values.put(name, v);
      }
      return values;
    }

    /** A value drawn like the engine's RandomModel: gains near 1, small biases, scaled matrices. */
    private static float sample(Random random, TensorRole role, long[] shape) {
      double g = random.nextGaussian();
      return switch (role.kind()) {
        case MATRIX -> {
          boolean embedding = role == TensorRole.EMBEDDING || role == TensorRole.LM_HEAD;
          double scale = embedding ? 1.0 : (role == TensorRole.QKV_WEIGHT ? 1.5 : 1.0) / Math.sqrt(shape[1]);
          yield (float) (g * scale);
        }
        case NORM_GAIN -> (float) (1 + 0.1 * g);
        case BIAS -> (float) (0.1 * g);
      };
    }

    private float stored(float value) {
      return switch (dtype) {
        case F32 -> value;
        case F16 -> HalfFloats.halfToFloat(HalfFloats.floatToHalf(value));
        case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(value));
        default -> throw new IllegalArgumentException("unsupported storage dtype " + dtype);
      };
    }

    private String storedName(String name) {
      return prefix && !name.startsWith("lm_head.") ? "transformer." + name : name;
    }

    private void writeTensors(Path dir, Map<String, long[]> shapes, Map<String, float[]> values)
        throws IOException {
      List<String> names = new ArrayList<>(shapes.keySet());
      if (pytorchBin) {
        writeBins(dir, names, shapes, values);
        return;
      }
      if (shards <= 1) {
        SafetensorsWriter writer = new SafetensorsWriter().putMetadata("format", "pt");
        names.forEach(n -> writer.add(storedName(n), dtype, shapes.get(n), values.get(n)));
        writer.write(dir.resolve("model.safetensors"));
        return;
      }
      JsonObject weightMap = new JsonObject();
      int perShard = (names.size() + shards - 1) / shards;
      for (int s = 0; s < shards; s++) {
        String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
        SafetensorsWriter writer = new SafetensorsWriter().putMetadata("format", "pt");
        for (String n : names.subList(
            Math.min(names.size(), s * perShard), Math.min(names.size(), (s + 1) * perShard))) {
          writer.add(storedName(n), dtype, shapes.get(n), values.get(n));
          weightMap.addProperty(storedName(n), file);
        }
        writer.write(dir.resolve(file));
      }
      JsonObject index = new JsonObject();
      index.add("metadata", new JsonObject());
      index.add("weight_map", weightMap);
      Files.writeString(
          dir.resolve("model.safetensors.index.json"), index.toString(), StandardCharsets.UTF_8);
    }

    private void writeBins(Path dir, List<String> names, Map<String, long[]> shapes,
        Map<String, float[]> values) throws IOException {
      String storageClass = switch (dtype) {
        case F32 -> "FloatStorage";
        case F16 -> "HalfStorage";
        case BF16 -> "BFloat16Storage";
        default -> throw new IllegalArgumentException("unsupported storage dtype " + dtype);
      };
      int count = Math.max(1, shards);
      int perShard = (names.size() + count - 1) / count;
      JsonObject weightMap = new JsonObject();
      for (int s = 0; s < count; s++) {
        String file = count == 1
            ? "pytorch_model.bin"
            : String.format("pytorch_model-%05d-of-%05d.bin", s + 1, count);
        TorchBinWriter writer = new TorchBinWriter();
        List<String> part = names.subList(
            Math.min(names.size(), s * perShard), Math.min(names.size(), (s + 1) * perShard));
        for (int i = 0; i < part.size(); i++) {
          String n = part.get(i);
          float[] v = values.get(n);
          byte[] bytes = switch (dtype) {
            case F32 -> TorchBinWriter.f32(v);
            case F16 -> TorchBinWriter.f16(v);
            default -> TorchBinWriter.bf16(v);
          };
          writer.storage(String.valueOf(i), storageClass, bytes)
              .tensor(storedName(n), String.valueOf(i), shapes.get(n));
          weightMap.addProperty(storedName(n), file);
        }
        writer.write(dir.resolve(file));
      }
      if (count > 1) {
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        index.add("weight_map", weightMap);
        Files.writeString(
            dir.resolve("pytorch_model.bin.index.json"), index.toString(), StandardCharsets.UTF_8);
      }
    }
  }
}
