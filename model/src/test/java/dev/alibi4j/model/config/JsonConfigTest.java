package dev.alibi4j.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.model.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonConfigTest {

  @TempDir Path dir;

  private static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  private JsonConfig config(String json) throws IOException {
    return JsonConfig.read(Files.writeString(dir.resolve("config.json"), json));
  }

  @Test
  void missingFileIsNamed() {
    Path file = dir.resolve("config.json");
    assertMentions(assertThrows(CheckpointException.class, () -> JsonConfig.read(file)),
        "not found", file.toString());
  }

  @Test
  void corruptJsonIsNamed() throws IOException {
    Path file = Files.writeString(dir.resolve("config.json"), "{\"a\": ");
    assertMentions(assertThrows(CheckpointException.class, () -> JsonConfig.read(file)),
        file.toString(), "corrupt JSON");
    Files.writeString(file, "[1]");
    assertMentions(assertThrows(CheckpointException.class, () -> JsonConfig.read(file)),
        file.toString(), "not a JSON object");
  }

  @Test
  void integersWithAliases() throws IOException {
    JsonConfig c = config("{\"n_embed\": 64, \"hidden_size\": 64, \"n_head\": 4.0,"
        + " \"num_attention_heads\": null}");
    assertEquals(64, c.requireInt("n_embed", "hidden_size"));
    assertEquals(64, c.requireInt("hidden_size", "n_embed"));
    assertEquals(4, c.requireInt("n_head", "num_attention_heads"));
    assertEquals(4, c.requireInt("num_attention_heads", "n_head"), "null counts as absent");
    assertEquals(OptionalInt.empty(), c.optInt("n_layer"));
  }

  @Test
  void missingRequiredFieldNamesItAndItsAliases() throws IOException {
    JsonConfig c = config("{}");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> c.requireInt("n_layer", "num_hidden_layers"));
    assertMentions(e, "config.json", "missing required field", "'n_layer'", "'num_hidden_layers'");
  }

  @Test
  void disagreeingAliasesAreRefused() throws IOException {
    JsonConfig c = config("{\"n_embed\": 64, \"hidden_size\": 32}");
    CheckpointException e = assertThrows(CheckpointException.class,
        () -> c.requireInt("n_embed", "hidden_size"));
    assertMentions(e, "config.json", "'n_embed' = 64", "'hidden_size' = 32", "disagree");
  }

  @Test
  void wrongTypesAreNamed() throws IOException {
    JsonConfig c = config("{\"n\": 1.5, \"s\": \"x\", \"b\": 1, \"o\": 3, \"t\": true}");
    assertMentions(assertThrows(CheckpointException.class, () -> c.requireInt("n")),
        "'n'", "integer", "1.5");
    assertMentions(assertThrows(CheckpointException.class, () -> c.requireInt("s")),
        "'s'", "integer");
    assertMentions(assertThrows(CheckpointException.class, () -> c.boolOr("b", false)),
        "'b'", "true or false");
    assertMentions(assertThrows(CheckpointException.class, () -> c.optObject("o")),
        "'o'", "object");
    assertMentions(assertThrows(CheckpointException.class, () -> c.optString("t")),
        "'t'", "string");
    assertMentions(assertThrows(CheckpointException.class, () -> c.optDouble("s")),
        "'s'", "number");
  }

  @Test
  void nestedObjectsQualifyTheirFields() throws IOException {
    JsonConfig c = config("{\"attn_config\": {\"qk_ln\": true, \"alibi_bias_max\": 8}}");
    JsonConfig attn = c.optObject("attn_config").orElseThrow();
    assertTrue(attn.boolOr("qk_ln", false));
    assertEquals(8.0, attn.doubleOr("alibi_bias_max", 0));
    assertEquals("attn_config.qk_ln", attn.qualified("qk_ln"));
    assertMentions(attn.unsupported("qk_ln", true, "why"),
        "config.json", "attn_config.qk_ln = true", "why");
    assertFalse(c.optObject("ffn_config").isPresent());
  }

  @Test
  void specialTokensOverrideInOrder() throws IOException {
    SpecialTokens defaults = new SpecialTokens(OptionalInt.of(1), List.of(2), OptionalInt.empty());
    SpecialTokens fromConfig = defaults.overriddenBy(config("{\"pad_token_id\": 3}"));
    assertEquals(new SpecialTokens(OptionalInt.of(1), List.of(2), OptionalInt.of(3)), fromConfig);
    SpecialTokens fromGeneration = fromConfig.overriddenBy(
        config("{\"eos_token_id\": [2, 5], \"bos_token_id\": null}"));
    assertEquals(
        new SpecialTokens(OptionalInt.empty(), List.of(2, 5), OptionalInt.of(3)), fromGeneration);
  }
}
