package dev.alibi4j.examples.cli;

import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.family.TensorRole;
import dev.alibi4j.model.family.TensorSpec;
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
    float[] embeddings = null; // the table lists the embedding before the final norm
    try {
      Files.createDirectories(dir);
      TransformerConfig arch = Family.BLOOM.recipe().standard(vocab, HIDDEN, HEADS, LAYERS);
      JsonObject c = Family.BLOOM.recipe().writeConfig(arch, true);
      c.addProperty("bos_token_id", 1);
      if (eos == null) {
        c.add("eos_token_id", JsonNull.INSTANCE);
      } else {
        c.addProperty("eos_token_id", eos);
      }
      Files.writeString(dir.resolve("config.json"), c.toString(), StandardCharsets.UTF_8);

      Random r = new Random(seed);
      int h = HIDDEN;
      SafetensorsWriter w = new SafetensorsWriter().putMetadata("format", "pt");
      for (TensorSpec t : Family.BLOOM.recipe().tensors(arch, true)) {
        int n = (int) t.numel();
        float[] values = switch (t.role().kind()) {
          case MATRIX -> gaussian(r, n, t.role() == TensorRole.EMBEDDING ? 1.0
              : (t.role() == TensorRole.QKV_WEIGHT ? 1.5 : 1.0) / Math.sqrt(t.shape()[1]), 0);
          case NORM_GAIN -> gaussian(r, n, 0.1, 1);
          case BIAS -> gaussian(r, n, 0.1, 0);
        };
        if (t.role() == TensorRole.EMBEDDING) {
          embeddings = values; // [vocab, hidden]
          for (int id = 0; printable && id < vocab; id++) {
            boolean ascii = (id >= 32 && id < 127) || (id >= 256 && id <= 265);
            for (int i = 0; i < h && !ascii; i++) {
              values[id * h + i] *= 0.05f;
            }
          }
          if (constantToken >= 0) {
            for (int i = 0; i < h; i++) {
              values[constantToken * h + i] *= 10;
            }
          }
        }
        // The constant model: the final norm ignores its input and emits the token's embedding row,
        // whose tied logit then dominates.
        if (constantToken >= 0 && t.role() == TensorRole.FINAL_NORM_WEIGHT) {
          java.util.Arrays.fill(values, 0f);
        }
        if (constantToken >= 0 && t.role() == TensorRole.FINAL_NORM_BIAS) {
          System.arraycopy(embeddings, constantToken * h, values, 0, h);
        }
        w.add(t.name(), SafetensorsDtype.F32, t.shape(), values);
      }
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
