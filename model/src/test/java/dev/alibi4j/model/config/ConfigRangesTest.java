package dev.alibi4j.model.config;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every number in {@code config.json} is checked against a range before anything is computed
 * from it, and refused naming the file, the field and the value.
 */
class ConfigRangesTest {

  @TempDir Path dir;

  /** Sets {@code field} (a path like {@code attn_config.clip_qkv}) to the JSON {@code value}. */
  private static void set(JsonObject config, String field, String value) {
    String[] parts = field.split("\\.");
    JsonObject o = config;
    for (int i = 0; i < parts.length - 1; i++) {
      o = o.getAsJsonObject(parts[i]);
    }
    o.add(parts[parts.length - 1], JsonParser.parseString(value));
  }

  private CheckpointException refused(Family family, String field, String value, String... remove) {
    TinyCheckpoints.of(family).config(j -> {
      List.of(remove).forEach(j::remove);
      set(j, field, value);
    }).write(dir);
    return assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
  }

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "BLOOM  | n_embed             | 1073741824 | hidden_size | must be 1 to 131072",
      "BLOOM  | hidden_size         | 0          |             | must be 1 to 131072",
      "BLOOM  | vocab_size          | -5         |             | must be 1 to 16777216",
      "BLOOM  | vocab_size          | 16777217   |             | must be 1 to 16777216",
      "BLOOM  | n_head              | 0          |             | must be 1 to 4096",
      "BLOOM  | n_layer             | 2000000000 |             | must be 1 to 4096",
      "MPT    | d_model             | 1073741824 |             | must be 1 to 131072",
      "MPT    | n_heads             | -4         |             | must be 1 to 4096",
      "MPT    | n_layers            | 0          |             | must be 1 to 4096",
      "FALCON | hidden_size         | 2147483647 |             | must be 1 to 131072",
      "FALCON | num_attention_heads | 5000       |             | must be 1 to 4096",
      "FALCON | num_hidden_layers   | 99999      |             | must be 1 to 4096",
  })
  void sizesOutOfRangeAreRefusedBeforeAnyArithmetic(
      Family family, String field, String value, String remove, String range) {
    CheckpointException e = remove == null
        ? refused(family, field, value)
        : refused(family, field, value, remove);
    assertMentions(e, dir.resolve("config.json").toString(), "'" + field + "' = " + value,
        "out of range", range);
  }

  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "BLOOM  | layer_norm_epsilon        | 0",
      "BLOOM  | layer_norm_epsilon        | -1e-5",
      "BLOOM  | layer_norm_epsilon        | 1e-40",
      "BLOOM  | layer_norm_epsilon        | 2",
      "BLOOM  | layer_norm_epsilon        | 1e999",
      "FALCON | layer_norm_epsilon        | 1e999",
      "MPT    | layer_norm_epsilon        | -1e999",
      "MPT    | logit_scale               | 1e999",
      "MPT    | logit_scale               | -2",
      "MPT    | logit_scale               | 1e7",
      "MPT    | logit_scale               | 0",
      "MPT    | attn_config.softmax_scale | 1e999",
      "MPT    | attn_config.softmax_scale | 0",
      "MPT    | attn_config.softmax_scale | 1e-9",
      "MPT    | attn_config.alibi_bias_max | 1e4",
      "MPT    | attn_config.alibi_bias_max | 0",
      "MPT    | attn_config.alibi_bias_max | 1e999",
      "MPT    | attn_config.clip_qkv      | 1e999",
      "MPT    | attn_config.clip_qkv      | 1e9",
  })
  void floatsThatAreInfiniteOrAbsurdAreRefusedByName(Family family, String field, String value) {
    CheckpointException e = refused(family, field, value);
    assertMentions(e, dir.resolve("config.json").toString(), field + " = " + value,
        "must be a finite number from");
  }

  @Test
  void nanInConfigJsonIsRefusedNamingTheField() throws IOException {
    TinyCheckpoints.mpt().config(j -> j.addProperty("logit_scale", 2)).write(dir);
    Path config = dir.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"logit_scale\":2", "\"logit_scale\":NaN"));
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, config.toString(), "NaN and Infinity are not JSON numbers", "$.logit_scale");
  }

  @Test
  void publishedValuesStillLoad() {
    TinyCheckpoints.mpt().config(j -> {
      set(j, "layer_norm_epsilon", "1e-12");
      set(j, "logit_scale", "0.03125");
      set(j, "attn_config.alibi_bias_max", "8");
      set(j, "attn_config.clip_qkv", "8");
    }).write(dir);
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(1e-12, c.config().layerNormEps());
      assertEquals(8.0, c.config().clipQkv());
    }
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(delimiter = '|', value = {
      "eos_token_id | -1       | -1",
      "eos_token_id | 32       | 32",
      "eos_token_id | [2,-1]   | -1",
      "bos_token_id | -3       | -3",
      "pad_token_id | 40000    | 40000",
  })
  void tokenIdsOutsideTheVocabularyAreRefused(String field, String value, String bad) {
    CheckpointException e = refused(Family.BLOOM, field, value);
    assertMentions(e, dir.resolve("config.json").toString(), "'" + field + "' = " + value,
        "out of range", "token id " + bad + " is not in 0 to 31 (vocab_size 32)");
  }

  @Test
  void tokenIdsThatAreNotIntegersAreRefused() {
    assertMentions(refused(Family.BLOOM, "eos_token_id", "1.5"), "'eos_token_id'", "integers", "1.5");
    assertMentions(refused(Family.BLOOM, "bos_token_id", "\"2\""), "'bos_token_id'", "integers");
    assertMentions(refused(Family.BLOOM, "eos_token_id", "[2, 1e30]"), "'eos_token_id'", "integers");
  }

  @Test
  void generationConfigTokenIdsAreCheckedAndNamed() throws IOException {
    TinyCheckpoints.bloom().write(dir);
    Path generation = Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": -1}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, generation.toString(), "'eos_token_id' = -1", "out of range");
    Files.writeString(generation, "{\"pad_token_id\": 32, \"eos_token_id\": 31}");
    e = assertThrows(CheckpointException.class, () -> Checkpoint.load(dir));
    assertMentions(e, generation.toString(), "'pad_token_id' = 32");
    Files.writeString(generation, "{\"pad_token_id\": null, \"eos_token_id\": [31, 0]}");
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(List.of(31, 0), c.specialTokens().eosTokenIds());
    }
  }
}
