package dev.alibi4j.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.RawSafetensors;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code LoadOptions.mmap(false)}: the weights are read into memory, so the model does not change
 * (or crash the JVM) when its files are truncated or rewritten. The mapped model is never exposed
 * to a truncation here: that would kill this test JVM with SIGBUS.
 */
class LoadOptionsTest {

  private static final int[] IDS = {1, 5, 9, 30, 2, 17};
  private static final LoadOptions COPY = LoadOptions.DEFAULT.withMmap(false);

  @TempDir Path dir;

  static Stream<Arguments> checkpoints() {
    return Stream.of(
        Arguments.of(SafetensorsDtype.F32, null, 1),
        Arguments.of(SafetensorsDtype.F16, null, 1),
        Arguments.of(SafetensorsDtype.BF16, null, 3),
        Arguments.of(SafetensorsDtype.F32, WeightType.Q8_0, 1),
        Arguments.of(SafetensorsDtype.BF16, WeightType.F32, 2));
  }

  private List<Path> weightFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".safetensors")).toList();
    }
  }

  @ParameterizedTest(name = "{0} as {1}, {2} file(s)")
  @MethodSource("checkpoints")
  void aCopiedModelSurvivesItsFilesBeingTruncatedThenRewritten(
      SafetensorsDtype dtype, WeightType type, int shards) throws IOException {
    TinyCheckpoints.bloom().hidden(32).dtype(dtype).shards(shards).write(dir);
    float[][] mapped;
    try (AlibiLM lm = AlibiLM.load(dir, type)) {
      mapped = lm.logits(IDS);
    }
    try (AlibiLM lm = AlibiLM.load(dir, type, COPY)) {
      float[][] before = lm.logits(IDS);
      assertArrayEquals(mapped, before, "copying changes no value");
      Map<Path, Long> sizes = new HashMap<>();
      for (Path f : weightFiles()) {
        sizes.put(f, Files.size(f));
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
          c.truncate(0);
        }
      }
      assertArrayEquals(before, lm.logits(IDS), "after truncation");
      Random random = new Random(7);
      for (Path f : weightFiles()) {
        byte[] garbage = new byte[Math.toIntExact(sizes.get(f))]; // the same size, other bytes
        random.nextBytes(garbage);
        Files.write(f, garbage);
      }
      assertArrayEquals(before, lm.logits(IDS), "after rewriting");
    }
  }

  @Test
  void withoutMmapNoMatrixIsMappedAndWithItTheStoredOnesAre() {
    TinyCheckpoints.bloom().dtype(SafetensorsDtype.F16).write(dir);
    try (Checkpoint c = Checkpoint.load(dir, null, COPY)) {
      for (WeightMatrix m : c.weights().matrices()) {
        assertFalse(m.data().isMapped(), "read into memory");
      }
    }
    try (Checkpoint c = Checkpoint.load(dir)) {
      for (WeightMatrix m : c.weights().matrices()) {
        assertTrue(m.data().isMapped(), "the file's own pages");
      }
    }
  }

  /**
   * Why the option exists: an in-place rewrite of equal size (safe to do here, nothing is
   * truncated) silently changes a mapped model, and leaves a copied one alone.
   */
  @Test
  void anInPlaceRewriteChangesAMappedModelButNotACopiedOne() {
    TinyCheckpoints.bloom().write(dir);
    Path file = dir.resolve("model.safetensors");
    String tensor = "h.0.mlp.dense_4h_to_h.weight"; // [16, 64]
    byte[] other = RawSafetensors.f32(new float[16 * 64]); // zeros: finite, and different
    try (AlibiLM mapped = AlibiLM.load(dir); AlibiLM copied = AlibiLM.load(dir, null, COPY)) {
      float[][] before = mapped.logits(IDS);
      assertArrayEquals(before, copied.logits(IDS));
      RawSafetensors.overwrite(file, tensor, 0, other);
      assertFalse(equal(before, mapped.logits(IDS)), "the mapped model changed under its feet");
      assertArrayEquals(before, copied.logits(IDS), "the copied model did not");
    }
  }

  @Test
  void defaultMapsAndOptionsCompose() {
    assertTrue(LoadOptions.DEFAULT.mmap());
    assertFalse(COPY.mmap());
    assertEquals(LoadOptions.DEFAULT, COPY.withMmap(true));
  }

  private static boolean equal(float[][] a, float[][] b) {
    for (int i = 0; i < a.length; i++) {
      if (!java.util.Arrays.equals(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
}
