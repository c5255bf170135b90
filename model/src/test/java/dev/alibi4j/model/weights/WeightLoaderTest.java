package dev.alibi4j.model.weights;

import static dev.alibi4j.model.testing.HeldValues.assertHeld;
import static dev.alibi4j.model.testing.HeldValues.heldType;
import static dev.alibi4j.model.testing.HeldValues.typeOf;
import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.reference.ReferenceBf16;
import dev.alibi4j.engine.reference.ReferenceQ8;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.safetensors.SafetensorsFile;
import dev.alibi4j.model.safetensors.SafetensorsWriter;
import dev.alibi4j.model.testing.HeldValues;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import dev.alibi4j.model.testing.WeightNames;
import dev.alibi4j.model.testing.WeightNames.Loaded;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matrices loaded from tiny BLOOM and MPT checkpoints in every stored dtype and every requested
 * {@link WeightType}: the type held, every value (against {@link HeldValues}, which computes them
 * from the formats' definitions), mapping versus copying, and release on close.
 */
class WeightLoaderTest {

  private static final SafetensorsDtype[] STORED = {
      SafetensorsDtype.F32, SafetensorsDtype.F16, SafetensorsDtype.BF16};

  @TempDir Path dir;

  /** Every (family, stored dtype, requested type or null = as stored). */
  static Stream<Arguments> combinations() {
    List<WeightType> requested = new ArrayList<>(Arrays.asList(WeightType.values()));
    requested.add(null);
    return Arrays.stream(Family.values()).flatMap(kind -> Arrays.stream(STORED)
        .flatMap(stored -> requested.stream().map(type -> Arguments.of(kind, stored, type))));
  }

  static Stream<Arguments> familiesAndStoredTypes() {
    return Arrays.stream(Family.values())
        .flatMap(kind -> Arrays.stream(STORED).map(stored -> Arguments.of(kind, stored)));
  }

  private static TinyCheckpoints.Spec spec(Family kind) {
    // BLOOM tied and prefixed, MPT untied, Falcon both: every way of naming and of finding the head
    return switch (kind) {
      case BLOOM -> TinyCheckpoints.bloom().prefix(true);
      case MPT -> TinyCheckpoints.mpt().untiedLmHead();
      case FALCON -> TinyCheckpoints.falcon().prefix(true).untiedLmHead();
    };
  }

  /** The name of block 1's down projection in {@code kind}'s checkpoints. */
  private static String down1(Family kind) {
    return kind.recipe().names().get(dev.alibi4j.model.family.TensorRole.DOWN_WEIGHT).replace("{i}", "1");
  }

  private static Map<String, Loaded> loaded(Family kind, Checkpoint c) {
    return WeightNames.named(kind, c.weights());
  }

  /** Width 32 (ffn 128): every matrix divides into Q8_0 blocks, so Q8_0 quantizes them all. */
  @ParameterizedTest(name = "{0}, stored {1}, loaded as {2}")
  @MethodSource("combinations")
  void everyMatrixHoldsTheRequestedTypeExactly(Family kind, SafetensorsDtype stored, WeightType requested) {
    Written w = spec(kind).hidden(32).heads(4).dtype(stored).seed(31).write(dir);
    List<WeightMatrix> matrices;
    try (Checkpoint c = Checkpoint.load(dir, requested)) {
      Map<String, Loaded> loaded = loaded(kind, c);
      assertHeld(w, stored, requested, loaded);
      matrices = c.weights().matrices();
      assertEquals(kind == Family.BLOOM ? 9 : 10, matrices.size()); // 2 blocks × 4, the embedding, an untied head
      for (Map.Entry<String, Loaded> e : loaded.entrySet()) {
        WeightMatrix m = e.getValue().matrix();
        if (m == null) {
          continue;
        }
        WeightType held = heldType(stored, requested, m.cols());
        // the file's own pages when it stores the held type, else memory of the converted copy
        assertEquals(held == typeOf(stored), m.data().isMapped(), e.getKey() + " mapped");
        if (m.data().isMapped()) {
          assertTrue(m.data().isReadOnly(), e.getKey());
        }
        if (held == WeightType.Q8_0) {
          String source = w.values().containsKey(e.getKey()) ? e.getKey() : embeddingsName(kind);
          assertArrayEquals(HeldValues.q8Bytes(w.values(source), m.cols()),
              m.data().toArray(ValueLayout.JAVA_BYTE), e.getKey() + " Q8_0 bytes");
          assertDequantizes(m, e.getKey());
        }
      }
      matrices.forEach(m -> assertTrue(m.data().scope().isAlive()));
    }
    matrices.forEach(m -> assertFalse(m.data().scope().isAlive(), "closing the checkpoint frees the matrices"));
  }

  /** Width 48 (ffn 192): Q8_0 keeps the rows of 48 float32 and quantizes the rows of 192. */
  @ParameterizedTest(name = "{0}, stored {1}")
  @MethodSource("familiesAndStoredTypes")
  void q8KeepsRowsThatAreNotWholeBlocksFloat32(Family kind, SafetensorsDtype stored) {
    Written w = spec(kind).hidden(48).heads(4).dtype(stored).seed(32).write(dir);
    try (Checkpoint c = Checkpoint.load(dir, WeightType.Q8_0)) {
      assertHeld(w, stored, WeightType.Q8_0, loaded(kind, c));
      for (var layer : c.weights().layers()) {
        assertEquals(WeightType.F32, layer.qkvWeight().type());
        assertEquals(WeightType.F32, layer.outWeight().type());
        assertEquals(WeightType.F32, layer.upWeight().type());
        assertEquals(WeightType.Q8_0, layer.downWeight().type());
        assertDequantizes(layer.downWeight(), "down");
      }
      assertEquals(WeightType.F32, c.weights().embeddings().type());
      // a float32 file keeps its own pages for the float32 rows; others are converted
      assertEquals(stored == SafetensorsDtype.F32, c.weights().embeddings().data().isMapped());
    }
  }

  /** float16 tops out at 65504; F32 and BF16 files can hold more. */
  static Stream<Arguments> wideStorage() {
    return familiesAndStoredTypes().filter(a -> a.get()[1] != SafetensorsDtype.F16);
  }

  @ParameterizedTest(name = "{0}, stored {1}")
  @MethodSource("wideStorage")
  void float16OverflowNamesFileAndTensor(Family kind, SafetensorsDtype stored) throws IOException {
    String tensor = down1(kind);
    Written w = spec(kind).dtype(stored).seed(33).write(dir);
    Written big = rewriteWith(w, stored, tensor, -1e5f);
    String file = dir.resolve("model.safetensors").toString();
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> Checkpoint.load(dir, WeightType.F16));
    assertMentions(e, file, "'" + (kind == Family.MPT ? "" : "transformer.") + tensor + "'", "65504");
    // the same checkpoint loads in a type that holds the value
    try (Checkpoint c = Checkpoint.load(dir, WeightType.BF16)) {
      float[] held = WeightNames.named(kind, c.weights()).get(tensor).values();
      assertEquals((float) ReferenceBf16.round(-1e5f), held[5]);
      assertHeld(big, stored, WeightType.BF16, loaded(kind, c));
    }
  }

  @Test
  void float16HoldsItsLargestFiniteValue() throws IOException {
    String tensor = "h.1.mlp.dense_4h_to_h.weight";
    Written w = rewriteWith(TinyCheckpoints.bloom().write(dir), SafetensorsDtype.F32, tensor, 65504f);
    try (Checkpoint c = Checkpoint.load(dir, WeightType.F16)) {
      assertEquals(65504f, WeightNames.named(Family.BLOOM, c.weights()).get(tensor).values()[5]);
      assertHeld(w, SafetensorsDtype.F32, WeightType.F16, WeightNames.named(Family.BLOOM, c.weights()));
    }
  }

  @Test
  void readOnlyCheckpointLoadsAsStoredWithoutCopying() throws IOException {
    Written w = TinyCheckpoints.mpt().dtype(SafetensorsDtype.BF16).shards(2).write(dir);
    try (var files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
      }
    }
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertHeld(w, SafetensorsDtype.BF16, null, WeightNames.named(Family.MPT, c.weights()));
      for (WeightMatrix m : c.weights().matrices()) {
        assertTrue(m.data().isMapped() && m.data().isReadOnly(), "a read-only mapping of the file");
      }
    }
  }

  /** {@link WeightMatrix#readRow} agrees with the reference's reading of the same bytes. */
  private static void assertDequantizes(WeightMatrix m, String name) {
    float[] row = new float[m.cols()];
    for (int r = 0; r < m.rows(); r++) {
      m.readRow(r, row, 0);
      double[] expected = ReferenceQ8.dequantize(m.data(), r * m.rowBytes(), m.cols());
      for (int i = 0; i < row.length; i++) {
        assertEquals(expected[i], row[i], 0.0, name + " row " + r);
      }
    }
  }

  private static String embeddingsName(Family kind) {
    return kind.recipe().names().get(dev.alibi4j.model.family.TensorRole.EMBEDDING);
  }

  /**
   * Rewrites the checkpoint in {@code dir} (single file, stored as {@code stored}) with element 5
   * of {@code tensor} set to {@code value}, returning what is now stored.
   */
  private Written rewriteWith(Written w, SafetensorsDtype stored, String tensor, float value) throws IOException {
    Map<String, float[]> values = new LinkedHashMap<>(w.values());
    float[] changed = values.get(tensor).clone();
    changed[5] = value;
    values.put(tensor, changed);
    boolean prefixed;
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      prefixed = f.tensorNames().stream().anyMatch(n -> n.startsWith("transformer."));
    }
    SafetensorsWriter writer = new SafetensorsWriter();
    values.forEach((name, v) -> writer.add(
        prefixed && !name.startsWith("lm_head.") ? "transformer." + name : name, stored, w.shape(name), v));
    writer.write(dir.resolve("model.safetensors"));
    // what the file now stores: the writer rounds the new value to its dtype (the others were
    // rounded already, and rounding them again changes nothing)
    return HeldValues.held(new Written(dir, values, w.shapes()), SafetensorsDtype.F32, typeOf(stored));
  }
}
