package dev.alibi4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.tensor.WeightRows;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GGUF copy of a synthetic BLOOM, read back with a reader written from the GGUF spec. */
class SyntheticGgufTest {

  private static final int LAYERS = 2;
  private static final int HIDDEN = 64;
  private static final int HEADS = 4;
  private static final int VOCAB = 300;
  private static final SyntheticModel TINY =
      new SyntheticModel("tiny-bloom", Family.BLOOM, LAYERS, HIDDEN, HEADS, VOCAB, SafetensorsDtype.F16);

  @TempDir Path tmp;

  private GgufReader write(WeightType type) throws Exception {
    Path dir = tmp.resolve("model");
    if (!Files.exists(dir)) {
      TINY.write(dir, SafetensorsDtype.F16);
    }
    Path out = tmp.resolve(type + ".gguf");
    SyntheticGguf.write(TINY, dir, out, type);
    return new GgufReader(out);
  }

  /** The synthetic checkpoint's f16 values of {@code name}, from its safetensors file. */
  private float[] stored(String name) throws Exception {
    try (var file = dev.alibi4j.model.safetensors.SafetensorsFile.open(tmp.resolve("model/model.safetensors"));
        var arena = java.lang.foreign.Arena.ofConfined()) {
      var seg = file.map(name, arena);
      float[] v = new float[(int) (seg.byteSize() / 2)];
      for (int i = 0; i < v.length; i++) {
        v[i] = Float.float16ToFloat(seg.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 2L * i));
      }
      return v;
    }
  }

  private static float f16At(GgufReader g, long position, long index) {
    return Float.float16ToFloat(g.file.order(ByteOrder.LITTLE_ENDIAN).getShort((int) (position + 2 * index)));
  }

  @Test
  void metadataAndTensorTableAreLlamaCppsBloomLayout() throws Exception {
    GgufReader g = write(WeightType.F16);
    assertEquals(3, g.version);
    assertEquals("bloom", g.metadata.get("general.architecture"));
    assertEquals((long) LAYERS, g.metadata.get("bloom.block_count"));
    assertEquals((long) HIDDEN, g.metadata.get("bloom.embedding_length"));
    assertEquals((long) 4 * HIDDEN, g.metadata.get("bloom.feed_forward_length"));
    assertEquals((long) HEADS, g.metadata.get("bloom.attention.head_count"));
    assertEquals(1e-5f, (Float) g.metadata.get("bloom.attention.layer_norm_epsilon"), 0f);
    assertEquals("gpt2", g.metadata.get("tokenizer.ggml.model"));
    List<?> tokens = (List<?>) g.metadata.get("tokenizer.ggml.tokens");
    assertEquals(VOCAB, tokens.size());
    assertEquals("A", tokens.get('A'));
    assertEquals("Ġ", tokens.get(' '), "GPT-2's symbol for the space byte");
    assertEquals(VOCAB, Set.copyOf(tokens).size(), "every token distinct");
    assertEquals(VOCAB, ((List<?>) g.metadata.get("tokenizer.ggml.token_type")).size());

    Set<String> expected = new java.util.TreeSet<>(Set.of("token_embd.weight", "token_embd_norm.weight",
        "token_embd_norm.bias", "output_norm.weight", "output_norm.bias"));
    for (int i = 0; i < LAYERS; i++) {
      for (String t : List.of("attn_norm", "attn_qkv", "attn_output", "ffn_norm", "ffn_up", "ffn_down")) {
        expected.add("blk." + i + "." + t + ".weight");
        expected.add("blk." + i + "." + t + ".bias");
      }
    }
    assertEquals(expected, g.tensors.stream().map(GgufReader.TensorInfo::name).collect(Collectors.toCollection(java.util.TreeSet::new)));
    assertEquals(List.of((long) HIDDEN, (long) VOCAB), java.util.Arrays.stream(g.tensor("token_embd.weight").ne()).boxed().toList());
    assertEquals(List.of((long) 4 * HIDDEN, (long) HIDDEN), java.util.Arrays.stream(g.tensor("blk.0.ffn_down.weight").ne()).boxed().toList());
    assertEquals(1, g.tensor("blk.1.attn_qkv.weight").type(), "f16");
    assertEquals(0, g.tensor("blk.1.attn_qkv.bias").type(), "1-D tensors in f32");
    // Data aligned to 32 bytes, in order, without overlaps, and the file ends after the last.
    List<GgufReader.TensorInfo> byOffset = g.tensors.stream().sorted(Comparator.comparingLong(GgufReader.TensorInfo::offset)).toList();
    assertEquals(0, g.dataStart % 32);
    long end = 0;
    for (GgufReader.TensorInfo t : byOffset) {
      assertEquals(0, t.offset() % 32, t.name());
      assertTrue(t.offset() >= end, t.name() + " overlaps the tensor before it");
      long elements = java.util.Arrays.stream(t.ne()).reduce(1, Math::multiplyExact);
      end = t.offset() + elements * (t.type() == 0 ? 4 : 2);
    }
    assertEquals((end + 31) / 32 * 32, g.file.capacity() - g.dataStart);
  }

  @Test
  void valuesAreTheCheckpointsWithQkvRegroupedAsLlamaCppsConverter() throws Exception {
    GgufReader g = write(WeightType.F16);
    float[] embedding = stored("word_embeddings.weight");
    long at = g.position("token_embd.weight");
    for (int i = 0; i < embedding.length; i++) {
      assertEquals(embedding[i], f16At(g, at, i), 0f, "embedding element " + i);
    }
    // convert_hf_to_gguf.py: reshape(n_head, 3, head_dim, n_embed), then all q, all k, all v.
    int headDim = HIDDEN / HEADS;
    float[] fused = stored("h.1.self_attention.query_key_value.weight");
    float[] fusedBias = stored("h.1.self_attention.query_key_value.bias");
    long qkv = g.position("blk.1.attn_qkv.weight");
    long qkvBias = g.position("blk.1.attn_qkv.bias");
    int row = 0;
    for (int part = 0; part < 3; part++) {
      for (int head = 0; head < HEADS; head++) {
        for (int d = 0; d < headDim; d++, row++) {
          int source = (head * 3 + part) * headDim + d;
          for (int c = 0; c < HIDDEN; c++) {
            assertEquals(fused[source * HIDDEN + c], f16At(g, qkv, (long) row * HIDDEN + c), 0f, "qkv row " + row);
          }
          assertEquals(fusedBias[source], g.file.getFloat((int) (qkvBias + 4L * row)), 0f, "qkv bias " + row);
        }
      }
    }
    float[] gain = stored("h.0.input_layernorm.weight");
    long norm = g.position("blk.0.attn_norm.weight");
    for (int i = 0; i < HIDDEN; i++) {
      assertEquals(gain[i], g.file.getFloat((int) (norm + 4L * i)), 0f);
    }
  }

  @Test
  void q8_0BlocksHoldEachValueWithinHalfAStepOfItsScale() throws Exception {
    GgufReader g = write(WeightType.Q8_0);
    assertEquals(8, g.tensor("blk.0.ffn_up.weight").type());
    float[] up = stored("h.0.mlp.dense_h_to_4h.weight");
    ByteBuffer f = g.file.order(ByteOrder.LITTLE_ENDIAN);
    long at = g.position("blk.0.ffn_up.weight");
    for (int block = 0; block < up.length / 32; block++) {
      long b = at + 34L * block;
      float scale = Float.float16ToFloat(f.getShort((int) b));
      float max = 0;
      for (int j = 0; j < 32; j++) {
        max = Math.max(max, Math.abs(up[block * 32 + j]));
      }
      assertEquals(max / 127, scale, 1e-3 * scale + 1e-12, "block " + block + ": scale = max|x| / 127");
      for (int j = 0; j < 32; j++) {
        float x = up[block * 32 + j];
        float q = f.get((int) (b + 2 + j)) * scale;
        // Half a step, plus the scale's rounding to f16 (2^-11 relative) times up to 127 steps.
        assertEquals(x, q, scale * (0.5f + 127f / 2048), "block " + block + " value " + j);
      }
    }
  }

  @Test
  void bf16AndF32MatricesRoundOrCopyTheValues() throws Exception {
    GgufReader bf = write(WeightType.BF16);
    assertEquals(30, bf.tensor("blk.0.attn_output.weight").type());
    float[] dense = stored("h.0.self_attention.dense.weight");
    long at = bf.position("blk.0.attn_output.weight");
    for (int i = 0; i < dense.length; i++) {
      float v = Float.intBitsToFloat(bf.file.getShort((int) (at + 2L * i)) << 16);
      assertEquals(dense[i], v, Math.abs(dense[i]) / 256, "bf16 keeps 8 bits of mantissa: element " + i);
    }
    GgufReader f32 = write(WeightType.F32);
    long at32 = f32.position("blk.0.attn_output.weight");
    for (int i = 0; i < dense.length; i++) {
      assertEquals(dense[i], f32.file.getFloat((int) (at32 + 4L * i)), 0f);
    }
  }

  @Test
  void otherFamiliesAndUnalignedQ8RowsAreRefused() {
    IllegalArgumentException family = assertThrows(IllegalArgumentException.class,
        () -> SyntheticGguf.write(SyntheticModel.MPT_1B, tmp, tmp.resolve("x.gguf"), WeightType.F16));
    assertTrue(family.getMessage().contains("BLOOM"), family.getMessage());
    IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
        () -> new GgufWriter().matrix("m", WeightType.Q8_0, 2, 33, (r, out) -> {}));
    assertTrue(rows.getMessage().contains("multiple of 32"), rows.getMessage());
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3F80, WeightRows.floatToBf16(1.0f));
    assertEquals((short) 0x3F80, WeightRows.floatToBf16(Float.intBitsToFloat(0x3F808000)), "a tie goes to the even 0x3F80");
    assertEquals((short) 0x3F82, WeightRows.floatToBf16(Float.intBitsToFloat(0x3F818000)), "a tie goes to the even 0x3F82");
    assertEquals((short) 0x3F81, WeightRows.floatToBf16(Float.intBitsToFloat(0x3F808001)), "above the tie rounds up");
  }
}
