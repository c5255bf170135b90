package dev.alibi4j.model.bloom;

import static dev.alibi4j.model.testing.HeldValues.assertHeld;
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
import dev.alibi4j.engine.nn.ResidualSource;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import dev.alibi4j.model.testing.WeightNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void loadsEveryStorageTypeExactly(SafetensorsDtype dtype) {
    Written w = TinyCheckpoints.writeBloom(dir, 4, dtype, 11);
    try (Checkpoint c = Checkpoint.load(dir, WeightType.F32)) {
      assertEquals(Family.BLOOM, c.family());
      assertEquals(WeightType.F32, c.weights().embeddings().type());
      assertHeld(w, dtype, WeightType.F32, WeightNames.named(Family.BLOOM, c.weights()));
      assertSame(c.weights().embeddings(), c.weights().lmHead(), "tied");
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"F32", "F16", "BF16"})
  void loadsAsFloat16(SafetensorsDtype dtype) {
    Written w = TinyCheckpoints.writeBloom(dir, 4, dtype, 12);
    try (Checkpoint c = Checkpoint.load(dir, WeightType.F16)) {
      c.weights().matrices().forEach(m -> assertEquals(WeightType.F16, m.type()));
      // matrices rounded to half, vectors still the stored float32 values
      assertHeld(w, dtype, WeightType.F16, WeightNames.named(Family.BLOOM, c.weights()));
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
      assertEquals(ResidualSource.NORMED_INPUT, t.residual());
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
      assertEquals(ResidualSource.INPUT, c.config().residual());
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
      assertHeld(w, SafetensorsDtype.BF16, null, WeightNames.named(Family.BLOOM, c.weights()));
    }
  }

  @Test
  void untiedLmHeadIsLoaded() {
    Written w = TinyCheckpoints.bloom().untiedLmHead().prefix(true).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertNotSame(c.weights().embeddings(), c.weights().lmHead());
      assertArrayEquals(w.values("lm_head.weight"), WeightNames.values(c.weights().lmHead()));
      assertHeld(w, SafetensorsDtype.F32, null, WeightNames.named(Family.BLOOM, c.weights()));
    }
  }

  @Test
  void tiedCheckpointIgnoresAStoredLmHead() {
    Written w = TinyCheckpoints.bloom().untiedLmHead()
        .config(j -> j.addProperty("tie_word_embeddings", true)).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertSame(c.weights().embeddings(), c.weights().lmHead());
      assertArrayEquals(w.values("word_embeddings.weight"), WeightNames.values(c.weights().lmHead()));
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
  void leavesNoBf16ArrayBehindAndClosingFreesArraysAndMappings() {
    TinyCheckpoints.writeBloom(dir, 2, SafetensorsDtype.BF16, 3);
    List<NDArray> vectors = new ArrayList<>();
    List<WeightMatrix> matrices;
    try (Checkpoint c = Checkpoint.load(dir)) {
      ModelWeights w = c.weights();
      vectors.addAll(List.of(w.embLnWeight(), w.embLnBias(), w.finalLnWeight(), w.finalLnBias()));
      for (LayerWeights l : w.layers()) {
        vectors.addAll(List.of(l.ln1Weight(), l.ln1Bias(), l.qkvBias(), l.outBias(), l.ln2Weight(),
            l.ln2Bias(), l.upBias(), l.downBias()));
      }
      // DJL's PyTorch engine has no bfloat16: vectors are widened, matrices stay BF16 bytes
      vectors.forEach(a -> assertEquals(DataType.FLOAT32, a.getDataType()));
      matrices = w.matrices();
      matrices.forEach(m -> assertEquals(WeightType.BF16, m.type()));
      matrices.forEach(m -> assertTrue(m.data().scope().isAlive()));
    }
    vectors.forEach(a -> assertTrue(a.isReleased(), "closing the checkpoint frees the vectors"));
    matrices.forEach(m -> assertFalse(m.data().scope().isAlive(), "closing the checkpoint unmaps the matrices"));
  }
}
