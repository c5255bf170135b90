package dev.alibi4j.model.bloom;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.HalfFloats;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import dev.alibi4j.model.testing.WeightNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class BloomCheckpointTest {

  @TempDir Path dir;

  /** Every loaded array has the written shape and exactly the written values. */
  static void assertWeightsMatch(Written written, Map<String, NDArray> loaded, boolean asHalf) {
    for (Map.Entry<String, NDArray> e : loaded.entrySet()) {
      String name = e.getKey();
      String source = name.equals("lm_head.weight") && !written.values().containsKey(name)
          ? "word_embeddings.weight" : name;
      assertArrayEquals(written.shape(source), e.getValue().getShape().getShape(), name);
      float[] expected = written.values(source).clone();
      if (asHalf) {
        for (int i = 0; i < expected.length; i++) {
          expected[i] = HalfFloats.halfToFloat(HalfFloats.floatToHalf(expected[i]));
        }
      }
      assertArrayEquals(expected, WeightNames.floats(e.getValue()), name);
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void loadsEveryStorageTypeExactly(SafetensorsDtype dtype) {
    Written w = TinyCheckpoints.writeBloom(dir, 4, dtype, 11);
    try (Checkpoint c = Checkpoint.load(dir, DataType.FLOAT32)) {
      assertEquals(Family.BLOOM, c.family());
      assertEquals(DataType.FLOAT32, c.weights().embeddings().getDataType());
      assertWeightsMatch(w, WeightNames.bloom(c.weights()), false);
      assertSame(c.weights().embeddings(), c.weights().lmHead(), "tied");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void loadsAsFloat16(SafetensorsDtype dtype) {
    Written w = TinyCheckpoints.writeBloom(dir, 4, dtype, 12);
    try (Checkpoint c = Checkpoint.load(dir, DataType.FLOAT16)) {
      Map<String, NDArray> loaded = WeightNames.bloom(c.weights());
      loaded.values().forEach(a -> assertEquals(DataType.FLOAT16, a.getDataType()));
      assertWeightsMatch(w, loaded, true);
    }
  }

  @Test
  void mapsTheConfig() {
    TinyCheckpoints.bloom().hidden(24).heads(3).layers(3).vocab(40)
        .config(j -> {
          j.addProperty("layer_norm_epsilon", 1e-6);
          j.addProperty("apply_residual_connection_post_layernorm", true);
        })
        .write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      TransformerConfig t = c.config();
      assertEquals(40, t.vocabSize());
      assertEquals(24, t.hiddenSize());
      assertEquals(3, t.numHeads());
      assertEquals(3, t.numLayers());
      assertEquals(96, t.ffnHiddenSize());
      assertEquals(1e-6, t.layerNormEps());
      assertEquals(QkvLayout.PER_HEAD_INTERLEAVED, t.qkvLayout());
      assertEquals(Activation.GELU_TANH, t.activation());
      assertTrue(t.embeddingLayerNorm());
      assertTrue(t.residualFromLayerNorm());
      assertEquals(SlopeScheme.BLOOM, t.slopeScheme());
      assertTrue(Double.isNaN(t.clipQkv()));
      assertEquals(1 / Math.sqrt(8), t.softmaxScale(), 1e-15);
      assertEquals(1.0, t.logitScale());
      assertEquals(3, c.weights().layers().size());
    }
  }

  @Test
  void acceptsHfAliasesAndDefaults() {
    TinyCheckpoints.bloom()
        .config(j -> {
          j.remove("hidden_size");
          j.addProperty("n_embed", 16);
          j.remove("n_head");
          j.addProperty("num_attention_heads", 4);
          j.remove("n_layer");
          j.addProperty("num_hidden_layers", 2);
          j.remove("layer_norm_epsilon");
          j.remove("apply_residual_connection_post_layernorm");
          j.remove("bos_token_id");
          j.remove("eos_token_id");
          j.remove("pad_token_id");
        })
        .write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(16, c.config().hiddenSize());
      assertEquals(4, c.config().numHeads());
      assertEquals(1e-5, c.config().layerNormEps());
      assertFalse(c.config().residualFromLayerNorm());
      assertEquals(OptionalInt.of(1), c.specialTokens().bosTokenId(), "BloomConfig default");
      assertEquals(List.of(2), c.specialTokens().eosTokenIds(), "BloomConfig default");
      assertEquals(OptionalInt.empty(), c.specialTokens().padTokenId());
    }
  }

  @ParameterizedTest
  @CsvSource({"false, 1", "true, 1", "false, 2", "true, 2"})
  void prefixedUnprefixedAndSharded(boolean prefix, int shards) throws IOException {
    Written w = TinyCheckpoints.bloom().prefix(prefix).shards(shards).dtype(SafetensorsDtype.BF16)
        .write(dir);
    assertEquals(shards == 2, Files.exists(dir.resolve("model-00002-of-00002.safetensors")));
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertWeightsMatch(w, WeightNames.bloom(c.weights()), false);
    }
  }

  @Test
  void untiedLmHeadIsLoaded() {
    Written w = TinyCheckpoints.bloom().untiedLmHead().prefix(true).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertNotSame(c.weights().embeddings(), c.weights().lmHead());
      assertArrayEquals(w.values("lm_head.weight"), c.weights().lmHead().toFloatArray());
      assertWeightsMatch(w, WeightNames.bloom(c.weights()), false);
    }
  }

  @Test
  void tiedCheckpointIgnoresAStoredLmHead() {
    Written w = TinyCheckpoints.bloom().untiedLmHead()
        .config(j -> j.addProperty("tie_word_embeddings", true)).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertSame(c.weights().embeddings(), c.weights().lmHead());
      assertArrayEquals(w.values("word_embeddings.weight"), c.weights().lmHead().toFloatArray());
    }
  }

  @Test
  void untiedWithoutLmHeadFails() {
    TinyCheckpoints.bloom().untiedLmHead().omit("lm_head.weight").write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'lm_head.weight'", "model.safetensors");
  }

  @Test
  void missingTensorNamesTensorAndFilesSearched() {
    TinyCheckpoints.bloom().shards(2).omit("h.1.mlp.dense_4h_to_h.bias").write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'h.1.mlp.dense_4h_to_h.bias'", "'transformer.h.1.mlp.dense_4h_to_h.bias'",
        "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors", "not found");
  }

  @Test
  void wrongShapeNamesTensorFileAndShapes() {
    TinyCheckpoints.bloom().prefix(true).config(j -> j.addProperty("vocab_size", 33)).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'transformer.word_embeddings.weight'", "model.safetensors",
        "[32, 16]", "expected [33, 16]");
  }

  @Test
  void wrongLayerShapeIsCaughtToo() throws IOException {
    Written w = TinyCheckpoints.bloom().write(dir);
    String bad = "h.1.mlp.dense_h_to_4h.weight";
    SafetensorsWriter rewrite = new SafetensorsWriter();
    for (Map.Entry<String, float[]> e : w.values().entrySet()) {
      if (e.getKey().equals(bad)) {
        rewrite.add(bad, SafetensorsDtype.F32, new long[] {32, 16}, new float[32 * 16]);
      } else {
        rewrite.add(e.getKey(), SafetensorsDtype.F32, w.shape(e.getKey()), e.getValue());
      }
    }
    rewrite.write(dir.resolve("model.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "'" + bad + "'", "model.safetensors", "[32, 16]", "expected [64, 16]");
  }

  @Test
  void missingConfigFieldIsNamed() {
    TinyCheckpoints.bloom().config(j -> j.remove("n_layer")).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json", "missing required field", "'n_layer'", "'num_hidden_layers'");
  }

  @Test
  void headsMustDivideHidden() {
    TinyCheckpoints.bloom().config(j -> j.addProperty("n_head", 3)).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json", "16", "3");
  }

  @Test
  void conflictingAliasesAreRefused() {
    TinyCheckpoints.bloom().config(j -> j.addProperty("n_embed", 32)).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json", "'n_embed' = 32", "'hidden_size' = 16");
  }

  @Test
  void leavesNoBf16ArrayBehindAndClosesTheManager() {
    TinyCheckpoints.writeBloom(dir, 2, SafetensorsDtype.BF16, 3);
    NDArray embeddings;
    try (Checkpoint c = Checkpoint.load(dir)) {
      embeddings = c.weights().embeddings();
      for (NDArray a : WeightNames.bloom(c.weights()).values()) {
        assertEquals(DataType.FLOAT32, a.getDataType());
      }
    }
    assertTrue(embeddings.isReleased(), "closing the checkpoint frees the weights");
  }
}
