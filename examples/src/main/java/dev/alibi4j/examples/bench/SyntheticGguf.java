package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsFile;
import dev.alibi4j.model.safetensors.TensorInfo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The weights of a synthetic BLOOM checkpoint as a GGUF file for llama.cpp ({@code llama-bench
 * -m FILE}), so that both engines are measured on the same weights. Laid out as llama.cpp's
 * {@code convert_hf_to_gguf.py} does for BLOOM: its tensor names, the fused QKV rows regrouped
 * from per-head {@code [q, k, v]} into all queries, all keys, all values, 1-D tensors in float32,
 * the output matrix tied to the embedding. The vocabulary is a stand-in (GPT-2's byte symbols,
 * then {@code <tN>}): the benchmark feeds token ids, never text.
 */
final class SyntheticGguf {

  private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED;

  private SyntheticGguf() {}

  /**
   * The GGUF type of the matrices for alibi4j's {@code --dtype}: GGUF holds each of them; {@code
   * null} (as stored) means the checkpoint's own type.
   */
  static GgufWriter.Type ggufType(WeightType type, SafetensorsDtype stored) {
    if (type == null) {
      return switch (stored) {
        case F32 -> GgufWriter.Type.F32;
        case BF16 -> GgufWriter.Type.BF16;
        default -> GgufWriter.Type.F16;
      };
    }
    return switch (type) {
      case F32 -> GgufWriter.Type.F32;
      case F16 -> GgufWriter.Type.F16;
      case BF16 -> GgufWriter.Type.BF16;
      case Q8_0 -> GgufWriter.Type.Q8_0;
    };
  }

  /**
   * @param model a BLOOM shape
   * @param dir the checkpoint {@link SyntheticModel#write} wrote
   * @param matrices the type of the 2-D weights
   */
  static void write(SyntheticModel model, Path dir, Path out, GgufWriter.Type matrices) throws IOException {
    if (model.family() != Family.BLOOM) {
      throw new IllegalArgumentException("a GGUF copy is written for BLOOM shapes only (bloom-560m), not " + model.name());
    }
    int hidden = model.hidden();
    int heads = model.heads();
    GgufWriter w = new GgufWriter()
        .putString("general.architecture", "bloom")
        .putString("general.name", "alibi4j synthetic " + model.name())
        .putU32("general.alignment", 32)
        .putU32("bloom.context_length", 2048)
        .putU32("bloom.embedding_length", hidden)
        .putU32("bloom.feed_forward_length", 4 * hidden)
        .putU32("bloom.block_count", model.layers())
        .putU32("bloom.attention.head_count", heads)
        .putU32("bloom.attention.head_count_kv", heads)
        .putF32("bloom.attention.layer_norm_epsilon", (float) model.architecture().layerNormEps())
        .putString("tokenizer.ggml.model", "gpt2")
        .putString("tokenizer.ggml.pre", "bloom")
        .putStrings("tokenizer.ggml.tokens", model.vocab(), SyntheticGguf::token)
        .putI32s("tokenizer.ggml.token_type", model.vocab(), i -> 1) // normal
        .putStrings("tokenizer.ggml.merges", 1, i -> "a b") // llama.cpp requires merges
        .putU32("tokenizer.ggml.bos_token_id", 1)
        .putU32("tokenizer.ggml.eos_token_id", 2);
    try (SafetensorsFile file = SafetensorsFile.open(dir.resolve("model.safetensors"));
        Arena arena = Arena.ofShared()) {
      Source s = new Source(file, arena);
      w.matrix("token_embd.weight", matrices, model.vocab(), hidden, s.rows("word_embeddings.weight", hidden));
      w.vector("token_embd_norm.weight", GgufWriter.Type.F32, hidden, s.rows("word_embeddings_layernorm.weight", hidden));
      w.vector("token_embd_norm.bias", GgufWriter.Type.F32, hidden, s.rows("word_embeddings_layernorm.bias", hidden));
      for (int i = 0; i < model.layers(); i++) {
        String h = "h." + i + ".";
        String b = "blk." + i + ".";
        w.vector(b + "attn_norm.weight", GgufWriter.Type.F32, hidden, s.rows(h + "input_layernorm.weight", hidden));
        w.vector(b + "attn_norm.bias", GgufWriter.Type.F32, hidden, s.rows(h + "input_layernorm.bias", hidden));
        w.matrix(b + "attn_qkv.weight", matrices, 3L * hidden, hidden,
            regrouped(s.rows(h + "self_attention.query_key_value.weight", hidden), hidden, heads));
        w.vector(b + "attn_qkv.bias", GgufWriter.Type.F32, 3 * hidden,
            regroupedVector(s.rows(h + "self_attention.query_key_value.bias", 3 * hidden), hidden, heads));
        w.matrix(b + "attn_output.weight", matrices, hidden, hidden, s.rows(h + "self_attention.dense.weight", hidden));
        w.vector(b + "attn_output.bias", GgufWriter.Type.F32, hidden, s.rows(h + "self_attention.dense.bias", hidden));
        w.vector(b + "ffn_norm.weight", GgufWriter.Type.F32, hidden, s.rows(h + "post_attention_layernorm.weight", hidden));
        w.vector(b + "ffn_norm.bias", GgufWriter.Type.F32, hidden, s.rows(h + "post_attention_layernorm.bias", hidden));
        w.matrix(b + "ffn_up.weight", matrices, 4L * hidden, hidden, s.rows(h + "mlp.dense_h_to_4h.weight", hidden));
        w.vector(b + "ffn_up.bias", GgufWriter.Type.F32, 4 * hidden, s.rows(h + "mlp.dense_h_to_4h.bias", 4 * hidden));
        w.matrix(b + "ffn_down.weight", matrices, hidden, 4 * hidden, s.rows(h + "mlp.dense_4h_to_h.weight", 4 * hidden));
        w.vector(b + "ffn_down.bias", GgufWriter.Type.F32, hidden, s.rows(h + "mlp.dense_4h_to_h.bias", hidden));
      }
      w.vector("output_norm.weight", GgufWriter.Type.F32, hidden, s.rows("ln_f.weight", hidden));
      w.vector("output_norm.bias", GgufWriter.Type.F32, hidden, s.rows("ln_f.bias", hidden));
      w.write(out);
    }
  }

  /** Token {@code i}'s stand-in text: distinct for every id. */
  static String token(int i) {
    return i < 256 ? String.valueOf(BYTE_SYMBOLS[i]) : "<t" + i + ">";
  }

  private static final char[] BYTE_SYMBOLS = byteSymbols();

  // GPT-2's bytes_to_unicode, which llama.cpp's gpt2 vocabulary expects for the byte tokens.
  private static char[] byteSymbols() {
    char[] symbols = new char[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      symbols[b] = printable ? (char) b : (char) (256 + n++);
    }
    return symbols;
  }

  /**
   * HF BLOOM fuses QKV per head ({@code [heads, 3, head_dim]} rows); llama.cpp wants all query
   * rows, then all key rows, then all value rows. Output row {@code r} is source row {@link
   * #sourceRow}.
   */
  static GgufWriter.Rows regrouped(GgufWriter.Rows fused, int hidden, int heads) {
    return (r, out) -> fused.row(sourceRow((int) r, hidden, heads), out);
  }

  private static GgufWriter.Rows regroupedVector(GgufWriter.Rows fused, int hidden, int heads) {
    return (r, out) -> {
      float[] all = new float[out.length];
      fused.row(0, all);
      for (int i = 0; i < out.length; i++) {
        out[i] = all[sourceRow(i, hidden, heads)];
      }
    };
  }

  /** {@code r = part·hidden + head·headDim + d} ← {@code head·3·headDim + part·headDim + d}. */
  static int sourceRow(int r, int hidden, int heads) {
    int headDim = hidden / heads;
    int part = r / hidden;
    int head = (r % hidden) / headDim;
    int d = r % headDim;
    return head * 3 * headDim + part * headDim + d;
  }

  /** Rows of a stored tensor as floats, whatever its stored float type. */
  private record Source(SafetensorsFile file, Arena arena) {
    GgufWriter.Rows rows(String name, int cols) {
      TensorInfo info = file.info(name);
      MemorySegment data = file.map(name, arena);
      return switch (info.dtype()) {
        case F32 -> (r, out) -> {
          for (int i = 0; i < cols; i++) {
            out[i] = data.get(FLOAT, 4 * (r * cols + i));
          }
        };
        case F16 -> (r, out) -> {
          for (int i = 0; i < cols; i++) {
            out[i] = Float.float16ToFloat(data.get(HALF, 2 * (r * cols + i)));
          }
        };
        case BF16 -> (r, out) -> {
          for (int i = 0; i < cols; i++) {
            out[i] = Float.intBitsToFloat(data.get(HALF, 2 * (r * cols + i)) << 16);
          }
        };
        default -> throw new IllegalArgumentException(name + ": stored as " + info.dtype() + ", not a float type");
      };
    }
  }
}
