package dev.alibi4j.model.family;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each family's recipe: its config.json reads back to what was written, and its tensor table is complete. */
class RecipeTest {

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Family.class)
  void writtenConfigReadsBackEqual(Family family) throws Exception {
    TransformerConfig c = TinyCheckpoints.of(family).hidden(48).heads(6).layers(3).architecture();
    for (boolean tied : new boolean[] {true, false}) {
      JsonObject json = family.recipe().writeConfig(c, tied);
      Path file = Files.writeString(dir.resolve("config.json"), json.toString());
      FamilyConfig read = family.recipe().parse(JsonConfig.read(file));
      assertEquals(c, read.transformerConfig(), family + " tied " + tied);
      assertEquals(tied, read.tieWordEmbeddings());
      assertEquals(family, Family.of(JsonConfig.read(file)));
    }
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void tensorTableHasUniqueNamesAndEveryBlockRole(Family family) {
    TransformerConfig c = TinyCheckpoints.of(family).layers(3).architecture();
    List<TensorSpec> untied = family.recipe().tensors(c, false);
    Set<String> names = new HashSet<>();
    untied.forEach(t -> assertTrue(names.add(t.name()), "duplicate " + t.name()));
    for (TensorRole role : List.of(TensorRole.EMBEDDING, TensorRole.QKV_WEIGHT, TensorRole.OUT_WEIGHT,
        TensorRole.UP_WEIGHT, TensorRole.DOWN_WEIGHT, TensorRole.NORM1_WEIGHT, TensorRole.NORM2_WEIGHT,
        TensorRole.FINAL_NORM_WEIGHT, TensorRole.LM_HEAD)) {
      long count = untied.stream().filter(t -> t.role() == role).count();
      assertEquals(role.perLayer() ? 3 : 1, count, family + " " + role);
    }
    assertEquals(untied.size() - 1, family.recipe().tensors(c, true).size(), "a tied head is not stored");
    assertEquals(c.embeddingLayerNorm(), family.recipe().names().containsKey(TensorRole.EMBEDDING_NORM_WEIGHT));
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void refusesToWriteADesignTheFamilyCannotExpress(Family family) {
    TransformerConfig c = TinyCheckpoints.of(family).architecture();
    TransformerConfig other = c.toBuilder().ffnHiddenSize(3 * c.hiddenSize()).build();
    var e = assertThrows(IllegalArgumentException.class, () -> family.recipe().writeConfig(other, true));
    assertTrue(e.getMessage().contains(family.modelType()), e.getMessage());
  }
}
