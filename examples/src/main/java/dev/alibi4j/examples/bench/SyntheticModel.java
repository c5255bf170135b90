package dev.alibi4j.examples.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
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
 * without a download. It is written as a real checkpoint directory (config.json and one
 * safetensors file, streamed: no tensor is ever held in memory) and then loaded like any other,
 * so the benchmark measures the real loading path.
 *
 * @param name the name {@code --synthetic} takes
 * @param family {@code bloom} or {@code mpt}
 * @param layers decoder blocks
 * @param hidden model width
 * @param heads attention heads
 * @param vocab vocabulary size
 * @param stored the type the published checkpoint stores its weights in
 */
public record SyntheticModel(
    String name, String family, int layers, int hidden, int heads, int vocab, SafetensorsDtype stored) {

  /** bigscience/bloom-560m: 24 layers, hidden 1024, 16 heads, vocabulary 250,880. */
  public static final SyntheticModel BLOOM_560M =
      new SyntheticModel("bloom-560m", "bloom", 24, 1024, 16, 250880, SafetensorsDtype.F16);

  /** mosaicml/mpt-1b-redpajama-200b: 24 layers, d_model 2048, 16 heads, vocabulary 50,432. */
  public static final SyntheticModel MPT_1B =
      new SyntheticModel("mpt-1b", "mpt", 24, 2048, 16, 50432, SafetensorsDtype.BF16);

  /** mosaicml/mpt-7b: 32 layers, d_model 4096, 32 heads, vocabulary 50,432, stored in bfloat16. */
  public static final SyntheticModel MPT_7B =
      new SyntheticModel("mpt-7b", "mpt", 32, 4096, 32, 50432, SafetensorsDtype.BF16);

  /** Every shape {@code --synthetic} offers. */
  public static final List<SyntheticModel> ALL = List.of(BLOOM_560M, MPT_1B, MPT_7B);

  public SyntheticModel {
    if (!family.equals("bloom") && !family.equals("mpt")) {
      throw new IllegalArgumentException("family must be bloom or mpt, got " + family);
    }
  }

  /** The shape called {@code name}; the error lists the names there are. */
  public static SyntheticModel named(String name) {
    return ALL.stream()
        .filter(m -> m.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown synthetic model '" + name + "'; choose one of "
                + ALL.stream().map(SyntheticModel::name).toList()));
  }

  /** Number of parameters (tied embeddings counted once). */
  public long parameters() {
    long h = hidden;
    long perLayer = 12 * h * h + (family.equals("bloom") ? 13 * h : 2 * h); // matrices + vectors
    return (long) vocab * h + layers * perLayer + (family.equals("bloom") ? 4 * h : h);
  }

  /** Size of the safetensors file in {@code dtype}, header excluded. */
  public long bytes(SafetensorsDtype dtype) {
    return parameters() * dtype.byteSize();
  }

  /** Writes {@code config.json} and {@code model.safetensors} into {@code dir}. */
  public void write(Path dir, SafetensorsDtype dtype) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("config.json"),
        new GsonBuilder().setPrettyPrinting().create().toJson(config()));
    SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
    if (family.equals("bloom")) {
      addBloom(w, dtype);
    } else {
      addMpt(w, dtype);
    }
    w.write(dir.resolve("model.safetensors"));
  }

  private JsonObject config() {
    JsonObject c = new JsonObject();
    c.addProperty("model_type", family);
    c.addProperty("vocab_size", vocab);
    c.addProperty("layer_norm_epsilon", 1e-5);
    if (family.equals("bloom")) {
      c.addProperty("hidden_size", hidden);
      c.addProperty("n_head", heads);
      c.addProperty("n_layer", layers);
      c.addProperty("bos_token_id", 1);
      c.addProperty("eos_token_id", 2);
    } else {
      c.addProperty("d_model", hidden);
      c.addProperty("n_heads", heads);
      c.addProperty("n_layers", layers);
      c.addProperty("expansion_ratio", 4);
      c.addProperty("max_seq_len", 2048);
      c.addProperty("no_bias", true);
      JsonObject attn = new JsonObject();
      attn.addProperty("alibi", true);
      attn.addProperty("alibi_bias_max", 8);
      c.add("attn_config", attn);
      c.addProperty("eos_token_id", 0);
    }
    return c;
  }

  private void addBloom(SafetensorsWriter w, SafetensorsDtype dtype) {
    long h = hidden;
    w.add("word_embeddings.weight", dtype, new long[] {vocab, h}, uniform("emb", 0.02));
    w.add("word_embeddings_layernorm.weight", dtype, new long[] {h}, constant(1));
    w.add("word_embeddings_layernorm.bias", dtype, new long[] {h}, constant(0));
    for (int i = 0; i < layers; i++) {
      String p = "h." + i + ".";
      w.add(p + "input_layernorm.weight", dtype, new long[] {h}, constant(1));
      w.add(p + "input_layernorm.bias", dtype, new long[] {h}, constant(0));
      w.add(p + "self_attention.query_key_value.weight", dtype, new long[] {3 * h, h}, uniform(p + "qkv", 0.02));
      w.add(p + "self_attention.query_key_value.bias", dtype, new long[] {3 * h}, constant(0));
      w.add(p + "self_attention.dense.weight", dtype, new long[] {h, h}, uniform(p + "dense", 0.02));
      w.add(p + "self_attention.dense.bias", dtype, new long[] {h}, constant(0));
      w.add(p + "post_attention_layernorm.weight", dtype, new long[] {h}, constant(1));
      w.add(p + "post_attention_layernorm.bias", dtype, new long[] {h}, constant(0));
      w.add(p + "mlp.dense_h_to_4h.weight", dtype, new long[] {4 * h, h}, uniform(p + "up", 0.02));
      w.add(p + "mlp.dense_h_to_4h.bias", dtype, new long[] {4 * h}, constant(0));
      w.add(p + "mlp.dense_4h_to_h.weight", dtype, new long[] {h, 4 * h}, uniform(p + "down", 0.02));
      w.add(p + "mlp.dense_4h_to_h.bias", dtype, new long[] {h}, constant(0));
    }
    w.add("ln_f.weight", dtype, new long[] {h}, constant(1));
    w.add("ln_f.bias", dtype, new long[] {h}, constant(0));
  }

  private void addMpt(SafetensorsWriter w, SafetensorsDtype dtype) {
    long d = hidden;
    String t = "transformer.";
    w.add(t + "wte.weight", dtype, new long[] {vocab, d}, uniform("wte", 0.02));
    for (int i = 0; i < layers; i++) {
      String p = t + "blocks." + i + ".";
      w.add(p + "norm_1.weight", dtype, new long[] {d}, constant(1));
      w.add(p + "attn.Wqkv.weight", dtype, new long[] {3 * d, d}, uniform(p + "qkv", 0.02));
      w.add(p + "attn.out_proj.weight", dtype, new long[] {d, d}, uniform(p + "out", 0.02));
      w.add(p + "norm_2.weight", dtype, new long[] {d}, constant(1));
      w.add(p + "ffn.up_proj.weight", dtype, new long[] {4 * d, d}, uniform(p + "up", 0.02));
      w.add(p + "ffn.down_proj.weight", dtype, new long[] {d, 4 * d}, uniform(p + "down", 0.02));
    }
    w.add(t + "norm_f.weight", dtype, new long[] {d}, constant(1));
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
        name, family, layers, hidden, heads, vocab);
  }
}
