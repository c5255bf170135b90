package dev.alibi4j.model;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullSource;

class CheckpointTest {

  @TempDir Path dir;

  @Test
  void readsTokensAndTokenizerPath() throws IOException {
    TinyCheckpoints.writeBloom(dir, 4, SafetensorsDtype.F32, 1);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(dir, c.directory());
      assertEquals(OptionalInt.of(1), c.specialTokens().bosTokenId());
      assertEquals(List.of(2), c.specialTokens().eosTokenIds());
      assertEquals(OptionalInt.of(3), c.specialTokens().padTokenId());
      assertEquals(Optional.empty(), c.tokenizerJson());
    }
    Files.writeString(dir.resolve("tokenizer.json"), "{}");
    Files.writeString(dir.resolve("generation_config.json"),
        "{\"bos_token_id\": 0, \"eos_token_id\": [2, 7]}");
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(Optional.of(dir.resolve("tokenizer.json")), c.tokenizerJson());
      assertEquals(OptionalInt.of(0), c.specialTokens().bosTokenId());
      assertEquals(List.of(2, 7), c.specialTokens().eosTokenIds());
      assertEquals(OptionalInt.of(3), c.specialTokens().padTokenId());
    }
  }

  @Test
  void unknownModelTypeNamesFileValueAndSupported() {
    TinyCheckpoints.bloom().config(j -> j.addProperty("model_type", "gpt2")).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, dir.resolve("config.json").toString(), "model_type", "\"gpt2\"",
        "\"bloom\"", "\"mpt\"");
  }

  @Test
  void missingModelType() {
    TinyCheckpoints.bloom().config(j -> j.remove("model_type")).write(dir);
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "config.json", "'model_type'");
  }

  @Test
  void missingConfigJsonNamesThePath() throws IOException {
    TinyCheckpoints.writeBloom(dir, 4, SafetensorsDtype.F32, 1);
    Files.delete(dir.resolve("config.json"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "not found", dir.resolve("config.json").toString());
  }

  @Test
  void missingDirectory() {
    Path absent = dir.resolve("nope");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> Checkpoint.load(absent));
    assertMentions(e, absent.toString());
  }

  @Test
  void missingWeights() throws IOException {
    TinyCheckpoints.writeMpt(dir, 4, SafetensorsDtype.F32, 1);
    Files.delete(dir.resolve("model.safetensors"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "model.safetensors", dir.toString());
  }

  @Test
  void corruptGenerationConfigIsNamed() throws IOException {
    TinyCheckpoints.writeMpt(dir, 4, SafetensorsDtype.F32, 1);
    Files.writeString(dir.resolve("generation_config.json"), "{");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, "generation_config.json", "corrupt JSON");
  }

  /** The model built on a checkpoint's weights owns them too: closing both must not fail. */
  @Test
  void closingTheModelAndTheCheckpointFreesTheWeightsOnce() {
    TinyCheckpoints.writeMpt(dir, 4, SafetensorsDtype.F32, 1);
    List<WeightMatrix> matrices;
    try (Checkpoint c = Checkpoint.load(dir, WeightType.Q8_0);
        AlibiTransformer model = new AlibiTransformer(c.config(), c.weights())) {
      matrices = c.weights().matrices();
      assertEquals(32, model.vocabSize());
    }
    matrices.forEach(m -> assertFalse(m.data().scope().isAlive()));
  }

  /** A matrix of a type that is not F32, F16 or BF16 is refused, whatever type it is asked in. */
  @ParameterizedTest
  @NullSource
  @EnumSource(WeightType.class)
  void refusesMatricesOfOtherStorageTypes(WeightType requested) throws IOException {
    TinyCheckpoints.writeBloom(dir, 4, SafetensorsDtype.F32, 1);
    String tensor = "h.1.self_attention.dense.weight";
    // I32 has F32's size, so relabelling it in the header keeps every offset valid
    Path file = dir.resolve("model.safetensors");
    String bytes = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    String entry = "\"" + tensor + "\":{\"dtype\":\"";
    assertTrue(bytes.contains(entry + "F32\""), "the writer's header layout");
    Files.write(file, bytes.replace(entry + "F32\"", entry + "I32\"").getBytes(StandardCharsets.ISO_8859_1));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> Checkpoint.load(dir, requested));
    assertMentions(e, file.toString(), "'" + tensor + "'", "I32", "F32, F16 and BF16");
  }

  @org.junit.jupiter.api.Test
  void weightFilesAreLookedForInOrderAndSafetensorsWin() throws Exception {
    TinyCheckpoints.bloom().write(dir);
    java.nio.file.Files.writeString(dir.resolve("pytorch_model.bin"), "not a zip"); // never read
    try (Checkpoint c = Checkpoint.load(dir)) {
      org.junit.jupiter.api.Assertions.assertEquals(Family.BLOOM, c.family());
    }
    java.nio.file.Files.delete(dir.resolve("model.safetensors"));
    CheckpointException legacy = org.junit.jupiter.api.Assertions.assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    dev.alibi4j.model.testing.Messages.assertMentions(legacy, "pytorch_model.bin", "torch < 1.6");
    java.nio.file.Files.delete(dir.resolve("pytorch_model.bin"));
    CheckpointException none = org.junit.jupiter.api.Assertions.assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    dev.alibi4j.model.testing.Messages.assertMentions(none, "model.safetensors", "model.safetensors.index.json",
        "pytorch_model.bin", "pytorch_model.bin.index.json");
  }

  @org.junit.jupiter.api.Test
  void binWeightsAreCopiedWithoutMmap() throws Exception {
    TinyCheckpoints.Written w = TinyCheckpoints.mpt().dtype(dev.alibi4j.model.safetensors.SafetensorsDtype.BF16)
        .shards(2).pytorchBin().write(dir);
    try (Checkpoint c = Checkpoint.load(dir, null, LoadOptions.DEFAULT.withMmap(false))) {
      for (dev.alibi4j.engine.tensor.WeightMatrix m : c.weights().matrices()) {
        org.junit.jupiter.api.Assertions.assertFalse(m.data().isMapped(), "copied, not mapped");
      }
      dev.alibi4j.model.testing.HeldValues.assertHeld(w, dev.alibi4j.model.safetensors.SafetensorsDtype.BF16, null,
          dev.alibi4j.model.testing.WeightNames.named(Family.MPT, c.weights()));
    }
  }
}
