package dev.alibi4j.model.falcon;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Falcon-RW's config.json: what it maps to, its old names, and every other Falcon refused by field and value. */
class FalconCheckpointTest {

  @TempDir Path dir;

  @Test
  void mapsToTheFalconRwDesign() {
    TinyCheckpoints.falcon().hidden(48).heads(6).layers(3).vocab(40).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      TransformerConfig t = c.config();
      assertEquals(Family.FALCON, c.family());
      assertEquals(48, t.hiddenSize());
      assertEquals(6, t.numHeads());
      assertEquals(3, t.numLayers());
      assertEquals(192, t.ffnHiddenSize());
      assertEquals(QkvLayout.PER_HEAD_INTERLEAVED, t.qkvLayout());
      assertEquals(Activation.GELU_EXACT, t.activation());
      assertEquals(AlibiOrder.BEFORE_SCALE, t.alibiOrder());
      assertEquals(SlopeScheme.BLOOM, t.slopeScheme());
      assertEquals(1 / Math.sqrt(8), t.softmaxScale(), 1e-15);
      assertFalse(t.embeddingLayerNorm());
      assertNull(c.weights().embLnWeight());
      assertEquals(OptionalInt.of(1), c.specialTokens().bosTokenId());
      assertEquals(List.of(2), c.specialTokens().eosTokenIds());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"RefinedWeb", "RefinedWebModel"})
  void readsTheRemoteCodeModelTypesAndNames(String modelType) {
    TinyCheckpoints.falcon().hidden(24).heads(3).config(c -> {
      c.addProperty("model_type", modelType);
      c.add("n_embed", c.remove("hidden_size"));
      c.add("n_head", c.remove("num_attention_heads"));
      c.add("n_layer", c.remove("num_hidden_layers"));
    }).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(Family.FALCON, c.family());
      assertEquals(3, c.config().numHeads());
      assertEquals(24, c.config().hiddenSize());
    }
  }

  @Test
  void refusesEveryOtherFalconByFieldAndValue() {
    refused(c -> c.addProperty("alibi", false), "alibi = false", "ALiBi");
    refused(c -> c.remove("alibi"), "alibi = false (transformers' default)");
    refused(c -> c.addProperty("multi_query", true), "multi_query = true");
    refused(c -> c.remove("multi_query"), "multi_query = true (transformers' default)");
    refused(c -> c.addProperty("parallel_attn", true), "parallel_attn = true");
    refused(c -> c.remove("parallel_attn"), "parallel_attn = true (transformers' default)");
    refused(c -> c.addProperty("new_decoder_architecture", true), "new_decoder_architecture = true");
    refused(c -> c.addProperty("bias", false), "bias = false");
    refused(c -> c.remove("bias"), "bias = false (transformers' default)");
    refused(c -> c.addProperty("num_kv_heads", 1), "num_kv_heads = 1");
    refused(c -> c.addProperty("apply_residual_connection_post_layernorm", true),
        "apply_residual_connection_post_layernorm = true");
  }

  private void refused(Consumer<JsonObject> edit, String... expected) {
    TinyCheckpoints.falcon().config(edit).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json");
    assertMentions(e, expected);
  }
}
