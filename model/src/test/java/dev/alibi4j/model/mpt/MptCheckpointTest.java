package dev.alibi4j.model.mpt;

import static dev.alibi4j.model.testing.HeldValues.assertHeld;
import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.engine.nn.ResidualSource;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import dev.alibi4j.model.testing.WeightNames;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class MptCheckpointTest {

  @TempDir Path dir;

  /** Sets {@code path} (e.g. {@code attn_config.qk_ln}) in the config to the JSON {@code value}. */
  private static void set(JsonObject config, String path, String value) {
    JsonElement v = JsonParser.parseString(value);
    int dot = path.indexOf('.');
    if (dot < 0) {
      config.add(path, v);
    } else {
      String parent = path.substring(0, dot);
      if (!config.has(parent) || !config.get(parent).isJsonObject()) {
        config.add(parent, new JsonObject());
      }
      config.getAsJsonObject(parent).add(path.substring(dot + 1), v);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void loadsEveryStorageTypeExactly(SafetensorsDtype dtype) {
    Written w = TinyCheckpoints.writeMpt(dir, 4, dtype, 21);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(Family.MPT, c.family());
      assertHeld(w, dtype, null, WeightNames.named(Family.MPT, c.weights()));
      assertSame(c.weights().embeddings(), c.weights().lmHead(), "tied by default");
      assertNull(c.weights().embLnWeight());
      assertNull(c.weights().embLnBias());
      assertNull(c.weights().finalLnBias());
      for (LayerWeights l : c.weights().layers()) {
        assertNull(l.ln1Bias());
        assertNull(l.qkvBias());
        assertNull(l.outBias());
        assertNull(l.ln2Bias());
        assertNull(l.upBias());
        assertNull(l.downBias());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "BF16"})
  void loadsAsFloat16(SafetensorsDtype dtype) {
    Written w = TinyCheckpoints.writeMpt(dir, 2, dtype, 22);
    try (Checkpoint c = Checkpoint.load(dir, WeightType.F16)) {
      assertEquals(WeightType.F16, c.weights().embeddings().type());
      // matrices rounded to half, vectors still the stored float32 values
      assertHeld(w, dtype, WeightType.F16, WeightNames.named(Family.MPT, c.weights()));
    }
  }

  @ParameterizedTest
  @CsvSource({"false, 1", "true, 1", "true, 2"})
  void prefixedShardedAndUntied(boolean prefix, int shards) {
    Written w = TinyCheckpoints.mpt().prefix(prefix).shards(shards).untiedLmHead().write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertNotSame(c.weights().embeddings(), c.weights().lmHead());
      assertHeld(w, SafetensorsDtype.F32, null, WeightNames.named(Family.MPT, c.weights()));
    }
  }

  @Test
  void mapsTheConfig() {
    TinyCheckpoints.mpt().hidden(32).heads(8).layers(1).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      TransformerConfig t = c.config();
      assertEquals(32, t.hiddenSize());
      assertEquals(8, t.numHeads());
      assertEquals(1, t.numLayers());
      assertEquals(128, t.ffnHiddenSize());
      assertEquals(QkvLayout.CONTIGUOUS, t.qkvLayout());
      assertEquals(Activation.GELU_EXACT, t.activation());
      assertFalse(t.embeddingLayerNorm());
      assertEquals(ResidualSource.INPUT, t.residual());
      assertEquals(SlopeScheme.MPT, t.slopeScheme());
      assertEquals(8.0, t.alibiBiasMax());
      assertTrue(Double.isNaN(t.clipQkv()));
      assertEquals(0.5, t.softmaxScale(), 1e-15); // 1 / sqrt(head_dim 4)
      assertEquals(1.0, t.logitScale());
      assertEquals(List.of(0), c.specialTokens().eosTokenIds());
      assertEquals(OptionalInt.empty(), c.specialTokens().bosTokenId());
    }
  }

  @Test
  void mapsOptionalAttentionSettings() {
    TinyCheckpoints.mpt()
        .config(j -> {
          set(j, "attn_config.clip_qkv", "6");
          set(j, "attn_config.softmax_scale", "0.125");
          set(j, "attn_config.alibi_bias_max", "16");
          set(j, "attn_config.kv_n_heads", "4");
          set(j, "logit_scale", "\"inv_sqrt_d_model\"");
          j.remove("d_model");
          j.addProperty("hidden_size", 16);
        })
        .write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      TransformerConfig t = c.config();
      assertEquals(6.0, t.clipQkv());
      assertEquals(0.125, t.softmaxScale());
      assertEquals(16.0, t.alibiBiasMax());
      assertEquals(0.25, t.logitScale(), 1e-15); // 1 / sqrt(16)
    }
  }

  @Test
  void numericLogitScaleAndZeroClipAndNoSubConfigs() {
    TinyCheckpoints.mpt()
        .config(j -> {
          set(j, "logit_scale", "2.5");
          set(j, "attn_config.clip_qkv", "0");
          j.remove("ffn_config");
        })
        .write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(2.5, c.config().logitScale());
      assertTrue(Double.isNaN(c.config().clipQkv()), "transformers treats clip_qkv 0 as off");
    }
    TinyCheckpoints.mpt().config(j -> j.remove("attn_config")).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(8.0, c.config().alibiBiasMax());
      assertEquals(0.5, c.config().softmaxScale(), 1e-15);
    }
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "attn_config.alibi              | false                  | attn_config.alibi = false",
      "attn_config.qk_ln              | true                   | attn_config.qk_ln = true",
      "attn_config.prefix_lm          | true                   | attn_config.prefix_lm = true",
      "attn_config.rope               | true                   | attn_config.rope = true",
      "attn_config.attn_type          | \"multiquery_attention\" | multiquery_attention",
      "attn_config.kv_n_heads         | 1                      | attn_config.kv_n_heads = 1",
      "attn_config.sliding_window_size | 64                    | attn_config.sliding_window_size = 64",
      "attn_config.clip_qkv           | -1                     | attn_config.clip_qkv = -1",
      "attn_config.softmax_scale      | -0.5                   | attn_config.softmax_scale = -0.5",
      "norm_type                      | \"rmsnorm\"            | norm_type = \"rmsnorm\"",
      "norm_type                      | \"low_precision_rmsnorm\" | low_precision_rmsnorm",
      "ffn_config.ffn_type            | \"mptglu\"             | ffn_config.ffn_type = \"mptglu\"",
      "ffn_config.ffn_hidden_size     | 100                    | ffn_config.ffn_hidden_size = 100",
      "expansion_ratio                | 8                      | expansion_ratio = 8",
      "no_bias                        | false                  | no_bias = false",
      "logit_scale                    | \"sqrt\"               | logit_scale = \"sqrt\"",
  })
  void refusesUnsupportedSettings(String field, String value, String expected) {
    TinyCheckpoints.mpt().config(j -> set(j, field, value)).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, dir.resolve("config.json").toString(), "unsupported", expected);
  }

  @Test
  void refusesAnFfnActivationOtherThanExactGelu() {
    TinyCheckpoints.mpt()
        .config(j -> set(j, "ffn_config.ffn_act_fn", "{\"name\": \"gelu\", \"approximate\": \"tanh\"}"))
        .write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json", "ffn_config.ffn_act_fn", "tanh");
  }

  @Test
  void missingConfigFieldIsNamed() {
    TinyCheckpoints.mpt().config(j -> j.remove("d_model")).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json", "missing required field", "'d_model'", "'hidden_size'");
  }

  @Test
  void missingTensorIsNamed() {
    TinyCheckpoints.mpt().prefix(true).omit("blocks.0.attn.Wqkv.weight").write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'blocks.0.attn.Wqkv.weight'", "'transformer.blocks.0.attn.Wqkv.weight'",
        "model.safetensors");
  }

  @Test
  void wrongShapeIsNamed() {
    TinyCheckpoints.mpt().config(j -> j.addProperty("n_layers", 3)).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'blocks.2.norm_1.weight'", "not found");
    TinyCheckpoints.mpt().config(j -> j.addProperty("vocab_size", 64)).write(dir);
    e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'wte.weight'", "model.safetensors", "[32, 16]", "expected [64, 16]");
  }

  @Test
  void untiedWithoutLmHeadFails() {
    TinyCheckpoints.mpt().untiedLmHead().omit("lm_head.weight").write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'lm_head.weight'", "model.safetensors");
  }
}
