package dev.alibi4j.model.testing;

import com.google.gson.JsonObject;
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
 * Writes tiny random BLOOM or MPT checkpoint directories ({@code config.json} plus safetensors)
 * for tests, and returns the exact float values stored.
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

  /** Which architecture to write. */
  public enum Kind {
    BLOOM,
    MPT
  }

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
    return new Spec(Kind.BLOOM);
  }

  /** An MPT spec with the same defaults as {@link #bloom()}. */
  public static Spec mpt() {
    return new Spec(Kind.MPT);
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
    private final Kind kind;
    private int vocab = 32;
    private int hidden = 16;
    private int heads = 4;
    private int layers = 2;
    private SafetensorsDtype dtype = SafetensorsDtype.F32;
    private boolean prefix;
    private boolean untiedLmHead;
    private int shards = 1;
    private long seed = 42;
    private final Set<String> omitted = new LinkedHashSet<>();
    private final List<Consumer<JsonObject>> configEdits = new ArrayList<>();

    private Spec(Kind kind) {
      this.kind = kind;
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
        JsonObject config = kind == Kind.BLOOM ? bloomConfig() : mptConfig();
        configEdits.forEach(edit -> edit.accept(config));
        Files.writeString(dir.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
        Map<String, long[]> shapes = kind == Kind.BLOOM ? bloomShapes() : mptShapes();
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

    private JsonObject bloomConfig() {
      JsonObject c = new JsonObject();
      c.addProperty("model_type", "bloom");
      c.addProperty("vocab_size", vocab);
      c.addProperty("hidden_size", hidden);
      c.addProperty("n_head", heads);
      c.addProperty("n_layer", layers);
      c.addProperty("layer_norm_epsilon", 1e-5);
      c.addProperty("apply_residual_connection_post_layernorm", false);
      c.addProperty("bos_token_id", 1);
      c.addProperty("eos_token_id", 2);
      c.addProperty("pad_token_id", 3);
      c.addProperty("tie_word_embeddings", !untiedLmHead);
      return c;
    }

    private JsonObject mptConfig() {
      JsonObject c = new JsonObject();
      c.addProperty("model_type", "mpt");
      c.addProperty("d_model", hidden);
      c.addProperty("n_heads", heads);
      c.addProperty("n_layers", layers);
      c.addProperty("expansion_ratio", 4);
      c.addProperty("vocab_size", vocab);
      c.addProperty("max_seq_len", 128);
      c.addProperty("no_bias", true);
      c.addProperty("norm_type", "low_precision_layernorm");
      c.addProperty("layer_norm_epsilon", 1e-5);
      c.add("logit_scale", null);
      c.addProperty("learned_pos_emb", true);
      c.addProperty("tie_word_embeddings", !untiedLmHead);
      JsonObject attn = new JsonObject();
      attn.addProperty("attn_type", "multihead_attention");
      attn.addProperty("attn_impl", "torch");
      attn.addProperty("attn_pdrop", 0);
      attn.addProperty("alibi", true);
      attn.addProperty("alibi_bias_max", 8);
      attn.add("clip_qkv", null);
      attn.add("softmax_scale", null);
      attn.addProperty("qk_ln", false);
      attn.addProperty("prefix_lm", false);
      attn.addProperty("attn_uses_sequence_id", false);
      c.add("attn_config", attn);
      JsonObject ffn = new JsonObject();
      ffn.addProperty("ffn_type", "mptmlp");
      c.add("ffn_config", ffn);
      c.addProperty("eos_token_id", 0);
      return c;
    }

    private Map<String, long[]> bloomShapes() {
      long h = hidden;
      Map<String, long[]> s = new LinkedHashMap<>();
      s.put("word_embeddings.weight", new long[] {vocab, h});
      s.put("word_embeddings_layernorm.weight", new long[] {h});
      s.put("word_embeddings_layernorm.bias", new long[] {h});
      for (int i = 0; i < layers; i++) {
        String p = "h." + i + ".";
        s.put(p + "input_layernorm.weight", new long[] {h});
        s.put(p + "input_layernorm.bias", new long[] {h});
        s.put(p + "self_attention.query_key_value.weight", new long[] {3 * h, h});
        s.put(p + "self_attention.query_key_value.bias", new long[] {3 * h});
        s.put(p + "self_attention.dense.weight", new long[] {h, h});
        s.put(p + "self_attention.dense.bias", new long[] {h});
        s.put(p + "post_attention_layernorm.weight", new long[] {h});
        s.put(p + "post_attention_layernorm.bias", new long[] {h});
        s.put(p + "mlp.dense_h_to_4h.weight", new long[] {4 * h, h});
        s.put(p + "mlp.dense_h_to_4h.bias", new long[] {4 * h});
        s.put(p + "mlp.dense_4h_to_h.weight", new long[] {h, 4 * h});
        s.put(p + "mlp.dense_4h_to_h.bias", new long[] {h});
      }
      s.put("ln_f.weight", new long[] {h});
      s.put("ln_f.bias", new long[] {h});
      if (untiedLmHead) {
        s.put("lm_head.weight", new long[] {vocab, h});
      }
      return s;
    }

    private Map<String, long[]> mptShapes() {
      long d = hidden;
      Map<String, long[]> s = new LinkedHashMap<>();
      s.put("wte.weight", new long[] {vocab, d});
      for (int i = 0; i < layers; i++) {
        String p = "blocks." + i + ".";
        s.put(p + "norm_1.weight", new long[] {d});
        s.put(p + "attn.Wqkv.weight", new long[] {3 * d, d});
        s.put(p + "attn.out_proj.weight", new long[] {d, d});
        s.put(p + "norm_2.weight", new long[] {d});
        s.put(p + "ffn.up_proj.weight", new long[] {4 * d, d});
        s.put(p + "ffn.down_proj.weight", new long[] {d, 4 * d});
      }
      s.put("norm_f.weight", new long[] {d});
      if (untiedLmHead) {
        s.put("lm_head.weight", new long[] {vocab, d});
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
          v[i] = stored(sample(random, name, shape));
        }
        values.put(name, v);
      }
      return values;
    }

    /** A value drawn like the engine's RandomModel: gains near 1, small biases, scaled matrices. */
    private static float sample(Random random, String name, long[] shape) {
      double g = random.nextGaussian();
      boolean norm = name.contains("norm") || name.startsWith("ln_f");
      if (shape.length == 2) {
        boolean embedding = name.startsWith("word_embeddings.") || name.startsWith("wte.")
            || name.startsWith("lm_head.");
        double scale = embedding ? 1.0 : (name.contains("query_key_value") || name.contains("Wqkv")
            ? 1.5 : 1.0) / Math.sqrt(shape[1]);
        return (float) (g * scale);
      }
      return (float) (norm && name.endsWith(".weight") ? 1 + 0.1 * g : 0.1 * g);
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
  }
}
