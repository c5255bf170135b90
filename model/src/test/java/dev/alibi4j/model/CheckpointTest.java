package dev.alibi4j.model;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.types.DataType;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void refusesOtherComputeTypes() {
    TinyCheckpoints.writeMpt(dir, 4, SafetensorsDtype.F32, 1);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Checkpoint.load(dir, DataType.FLOAT64));
    assertMentions(e, "FLOAT64");
  }
}
