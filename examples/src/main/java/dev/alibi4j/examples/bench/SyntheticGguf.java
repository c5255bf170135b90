package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.tensor.WeightRows;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsFile;
import dev.alibi4j.model.safetensors.TensorInfo;
import dev.alibi4j.tokenizer.ByteLevelTokenizerJson;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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

  // GPT-2's byte symbols, which llama.cpp's gpt2 vocabulary expects for the byte tokens.
  private static final char[] BYTE_SYMBOLS = ByteLevelTokenizerJson.byteSymbols();

  private SyntheticGguf() {}

  /**
   * The type of the matrices for alibi4j's {@code --dtype}: GGUF holds each of them; {@code null}
   * (as stored) means the checkpoint's own type.
   */
  static WeightType ggufType(WeightType type, SafetensorsDtype stored) {
    return type != null ? type : stored.weightType().orElseThrow(
        () -> new IllegalArgumentException("synthetic weights are written in a float type, not " + stored));
  }

  /**
   * @param model a BLOOM shape
   * @param dir the checkpoint {@link SyntheticModel#write} wrote
   * @param matrices the type of the 2-D weights
   */
  static void write(SyntheticModel model, Path dir, Path out, WeightType matrices) throws IOException {
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
      w.vector("token_embd_norm.weight", WeightType.F32, hidden, s.rows("word_embeddings_layernorm.weight", hidden));
      w.vector("token_embd_norm.bias", WeightType.F32, hidden, s.rows("word_embeddings_layernorm.bias", hidden));
      for (int i = 0; i < model.layers(); i++) {
        String h = "h." + i + ".";
        String b = "blk." + i + ".";
        w.vector(b + "attn_norm.weight", WeightType.F32, hidden, s.rows(h + "input_layernorm.weight", hidden));
        w.vector(b + "attn_norm.bias", WeightType.F32, hidden, s.rows(h + "input_layernorm.bias", hidden));
        w.matrix(b + "attn_qkv.weight", matrices, 3L * hidden, hidden,
            regrouped(s.rows(h + "self_attention.query_key_value.weight", hidden), hidden, heads));
        w.vector(b + "attn_qkv.bias", WeightType.F32, 3 * hidden,
            regroupedVector(s.rows(h + "self_attention.query_key_value.bias", 3 * hidden), hidden, heads));
        w.matrix(b + "attn_output.weight", matrices, hidden, hidden, s.rows(h + "self_attention.dense.weight", hidden));
        w.vector(b + "attn_output.bias", WeightType.F32, hidden, s.rows(h + "self_attention.dense.bias", hidden));
        w.vector(b + "ffn_norm.weight", WeightType.F32, hidden, s.rows(h + "post_attention_layernorm.weight", hidden));
        w.vector(b + "ffn_norm.bias", WeightType.F32, hidden, s.rows(h + "post_attention_layernorm.bias", hidden));
        w.matrix(b + "ffn_up.weight", matrices, 4L * hidden, hidden, s.rows(h + "mlp.dense_h_to_4h.weight", hidden));
        w.vector(b + "ffn_up.bias", WeightType.F32, 4 * hidden, s.rows(h + "mlp.dense_h_to_4h.bias", 4 * hidden));
        w.matrix(b + "ffn_down.weight", matrices, hidden, 4 * hidden, s.rows(h + "mlp.dense_4h_to_h.weight", 4 * hidden));
        w.vector(b + "ffn_down.bias", WeightType.F32, hidden, s.rows(h + "mlp.dense_4h_to_h.bias", hidden));
      }
      w.vector("output_norm.weight", WeightType.F32, hidden, s.rows("ln_f.weight", hidden));
      w.vector("output_norm.bias", WeightType.F32, hidden, s.rows("ln_f.bias", hidden));
      w.write(out);
    }
  }

  /** Token {@code i}'s stand-in text: distinct for every id. */
  static String token(int i) {
    return i < 256 ? String.valueOf(BYTE_SYMBOLS[i]) : "<t" + i + ">";
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
      WeightType type = info.dtype().weightType().orElseThrow(
          () -> new IllegalArgumentException(name + ": stored as " + info.dtype() + ", not a float type"));
      MemorySegment data = file.map(name, arena);
      long rowBytes = type.rowBytes(cols);
      return (r, out) -> WeightRows.read(type, data, r * rowBytes, cols, out, 0);
    }
  }
}
