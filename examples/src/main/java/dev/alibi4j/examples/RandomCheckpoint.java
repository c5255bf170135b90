package dev.alibi4j.examples;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a BLOOM checkpoint of random weights with bigscience/bloom-560m's shape (or a smaller one),
 * so that loading and speed can be measured without a download.
 *
 * <pre>
 * java -cp examples/target/alibi4j.jar dev.alibi4j.examples.RandomCheckpoint OUT_DIR [LAYERS HIDDEN HEADS VOCAB] [F32|F16|BF16]
 * </pre>
 */
public final class RandomCheckpoint {

  private RandomCheckpoint() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 && args.length != 2 && args.length != 5 && args.length != 6) {
      System.err.println("usage: RandomCheckpoint OUT_DIR [LAYERS HIDDEN HEADS VOCAB] [F32|F16|BF16]");
      System.exit(2);
    }
    Path dir = Path.of(args[0]);
    boolean shaped = args.length >= 5;
    int layers = shaped ? Integer.parseInt(args[1]) : 24;
    int hidden = shaped ? Integer.parseInt(args[2]) : 1024;
    int heads = shaped ? Integer.parseInt(args[3]) : 16;
    int vocab = shaped ? Integer.parseInt(args[4]) : 250880;
    SafetensorsDtype dtype =
        args.length % 2 == 0 ? SafetensorsDtype.valueOf(args[args.length - 1]) : SafetensorsDtype.F16;
    Files.createDirectories(dir);
    JsonObject config = new JsonObject();
    config.addProperty("model_type", "bloom");
    config.addProperty("vocab_size", vocab);
    config.addProperty("hidden_size", hidden);
    config.addProperty("n_head", heads);
    config.addProperty("n_layer", layers);
    config.addProperty("layer_norm_epsilon", 1e-5);
    config.addProperty("bos_token_id", 1);
    config.addProperty("eos_token_id", 2);
    Files.writeString(dir.resolve("config.json"), new GsonBuilder().setPrettyPrinting().create().toJson(config));

    SplittableRandom random = new SplittableRandom(1234);
    SafetensorsWriter w = new SafetensorsWriter();
    long h = hidden;
    w.add("word_embeddings.weight", dtype, new long[] {vocab, h}, normal(random, vocab * h, 0.02));
    w.add("word_embeddings_layernorm.weight", dtype, new long[] {h}, constant(h, 1));
    w.add("word_embeddings_layernorm.bias", dtype, new long[] {h}, constant(h, 0));
    for (int i = 0; i < layers; i++) {
      String p = "h." + i + ".";
      w.add(p + "input_layernorm.weight", dtype, new long[] {h}, constant(h, 1));
      w.add(p + "input_layernorm.bias", dtype, new long[] {h}, constant(h, 0));
      w.add(p + "self_attention.query_key_value.weight", dtype, new long[] {3 * h, h}, normal(random, 3 * h * h, 0.02));
      w.add(p + "self_attention.query_key_value.bias", dtype, new long[] {3 * h}, constant(3 * h, 0));
      w.add(p + "self_attention.dense.weight", dtype, new long[] {h, h}, normal(random, h * h, 0.02));
      w.add(p + "self_attention.dense.bias", dtype, new long[] {h}, constant(h, 0));
      w.add(p + "post_attention_layernorm.weight", dtype, new long[] {h}, constant(h, 1));
      w.add(p + "post_attention_layernorm.bias", dtype, new long[] {h}, constant(h, 0));
      w.add(p + "mlp.dense_h_to_4h.weight", dtype, new long[] {4 * h, h}, normal(random, 4 * h * h, 0.02));
      w.add(p + "mlp.dense_h_to_4h.bias", dtype, new long[] {4 * h}, constant(4 * h, 0));
      w.add(p + "mlp.dense_4h_to_h.weight", dtype, new long[] {h, 4 * h}, normal(random, 4 * h * h, 0.02));
      w.add(p + "mlp.dense_4h_to_h.bias", dtype, new long[] {h}, constant(h, 0));
    }
    w.add("ln_f.weight", dtype, new long[] {h}, constant(h, 1));
    w.add("ln_f.bias", dtype, new long[] {h}, constant(h, 0));
    w.write(dir.resolve("model.safetensors"));
    System.err.println("wrote " + dir + " (" + layers + " layers, hidden " + hidden + ", " + heads + " heads, vocab " + vocab + ", " + dtype + ")");
  }

  private static float[] normal(SplittableRandom r, long n, double std) {
    float[] v = new float[Math.toIntExact(n)];
    for (int i = 0; i < v.length; i++) {
      // Box-Muller is not needed for a benchmark: a uniform of matching variance will do.
      v[i] = (float) ((r.nextDouble() * 2 - 1) * std * Math.sqrt(3));
    }
    return v;
  }

  private static float[] constant(long n, float value) {
    float[] v = new float[Math.toIntExact(n)];
    java.util.Arrays.fill(v, value);
    return v;
  }
}
