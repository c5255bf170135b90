package dev.alibi4j.examples.cli;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes tiny random BLOOM checkpoints (hidden 16, 4 heads, 2 layers, F32) for CLI tests.
 *
 * <p>{@code eos_token_id} is null unless given, so generation runs to the token limit. A
 * "constant" checkpoint predicts one token at every position: its final layer norm has gain 0
 * and bias {@code E[token]}, whose norm is 10x the others, so the tied head's argmax is always
 * {@code token} (logit ~1600 against ~±40).
 */
final class TinyBloom {

  static final int HIDDEN = 16;
  static final int HEADS = 4;
  static final int LAYERS = 2;

  /** Tokens of the test tokenizer.json (byte-level BPE: 256 bytes, 11 merges, 2 added tokens). */
  static final int TOKENIZER_VOCAB = 269;

  private TinyBloom() {}

  /** A random checkpoint with no EOS token. */
  static Path random(Path dir, int vocab, long seed) {
    return write(dir, vocab, seed, -1, null, false);
  }

  /**
   * A random checkpoint over the test tokenizer's vocabulary that writes mostly printable ASCII:
   * the embedding rows of the other ids (control and high bytes, special tokens) are scaled by
   * 0.05, so their tied logits are near 0 and greedy decoding does not pick them.
   */
  static Path printable(Path dir, long seed) {
    return write(dir, TOKENIZER_VOCAB, seed, -1, null, true);
  }

  /** A checkpoint whose greedy choice is always {@code token}; {@code eos} may be null. */
  static Path constant(Path dir, int vocab, int token, Integer eos) {
    return write(dir, vocab, 5, token, eos, false);
  }

  /** Copies the test tokenizer.json into {@code dir}. */
  static Path withTokenizer(Path dir) {
    try (InputStream in = TinyBloom.class.getResourceAsStream("tokenizer.json")) {
      Files.copy(in, dir.resolve("tokenizer.json"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path write(
      Path dir, int vocab, long seed, int constantToken, Integer eos, boolean printable) {
    try {
      Files.createDirectories(dir);
      JsonObject c = new JsonObject();
      c.addProperty("model_type", "bloom");
      c.addProperty("vocab_size", vocab);
      c.addProperty("hidden_size", HIDDEN);
      c.addProperty("n_head", HEADS);
      c.addProperty("n_layer", LAYERS);
      c.addProperty("layer_norm_epsilon", 1e-5);
      c.addProperty("apply_residual_connection_post_layernorm", false);
      c.addProperty("bos_token_id", 1);
      if (eos == null) {
        c.add("eos_token_id", JsonNull.INSTANCE);
      } else {
        c.addProperty("eos_token_id", eos);
      }
      c.addProperty("tie_word_embeddings", true);
      Files.writeString(dir.resolve("config.json"), c.toString(), StandardCharsets.UTF_8);

      Random r = new Random(seed);
      int h = HIDDEN;
      float[] embeddings = gaussian(r, vocab * h, 1.0, 0); // [vocab, hidden]
      float[] lnfWeight = gaussian(r, h, 0.1, 1); // [hidden]
      float[] lnfBias = gaussian(r, h, 0.1, 0); // [hidden]
      for (int id = 0; printable && id < vocab; id++) {
        boolean ascii = (id >= 32 && id < 127) || (id >= 256 && id <= 265);
        for (int i = 0; i < h && !ascii; i++) {
          embeddings[id * h + i] *= 0.05f;
        }
      }
      if (constantToken >= 0) {
        for (int i = 0; i < h; i++) {
          embeddings[constantToken * h + i] *= 10;
          lnfWeight[i] = 0;
          lnfBias[i] = embeddings[constantToken * h + i];
        }
      }
      SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
      w.add("word_embeddings.weight", SafetensorsDtype.F32, new long[] {vocab, h}, embeddings);
      w.add("word_embeddings_layernorm.weight", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 1));
      w.add("word_embeddings_layernorm.bias", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 0));
      for (int l = 0; l < LAYERS; l++) {
        String p = "h." + l + ".";
        w.add(p + "input_layernorm.weight", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 1));
        w.add(p + "input_layernorm.bias", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 0));
        w.add(p + "self_attention.query_key_value.weight", SafetensorsDtype.F32,
            new long[] {3 * h, h}, gaussian(r, 3 * h * h, 1.5 / Math.sqrt(h), 0));
        w.add(p + "self_attention.query_key_value.bias", SafetensorsDtype.F32,
            new long[] {3 * h}, gaussian(r, 3 * h, 0.1, 0));
        w.add(p + "self_attention.dense.weight", SafetensorsDtype.F32,
            new long[] {h, h}, gaussian(r, h * h, 1 / Math.sqrt(h), 0));
        w.add(p + "self_attention.dense.bias", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 0));
        w.add(p + "post_attention_layernorm.weight", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 1));
        w.add(p + "post_attention_layernorm.bias", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 0));
        w.add(p + "mlp.dense_h_to_4h.weight", SafetensorsDtype.F32,
            new long[] {4 * h, h}, gaussian(r, 4 * h * h, 1 / Math.sqrt(h), 0));
        w.add(p + "mlp.dense_h_to_4h.bias", SafetensorsDtype.F32, new long[] {4 * h}, gaussian(r, 4 * h, 0.1, 0));
        w.add(p + "mlp.dense_4h_to_h.weight", SafetensorsDtype.F32,
            new long[] {h, 4 * h}, gaussian(r, 4 * h * h, 1 / Math.sqrt(4 * h), 0));
        w.add(p + "mlp.dense_4h_to_h.bias", SafetensorsDtype.F32, new long[] {h}, gaussian(r, h, 0.1, 0));
      }
      w.add("ln_f.weight", SafetensorsDtype.F32, new long[] {h}, lnfWeight);
      w.add("ln_f.bias", SafetensorsDtype.F32, new long[] {h}, lnfBias);
      w.write(dir.resolve("model.safetensors"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static float[] gaussian(Random r, int n, double scale, double mean) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (mean + scale * r.nextGaussian());
    }
    return v;
  }
}
