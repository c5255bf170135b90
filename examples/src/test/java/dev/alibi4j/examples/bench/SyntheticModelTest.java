package dev.alibi4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Synthetic checkpoints load as real ones, with the parameter count their shape implies. */
class SyntheticModelTest {

  @TempDir Path dir;

  @Test
  void publishedShapes() {
    SyntheticModel bloom = SyntheticModel.named("bloom-560m");
    assertEquals(List.of(24, 1024, 16, 250880), List.of(bloom.layers(), bloom.hidden(), bloom.heads(), bloom.vocab()));
    // bigscience/bloom-560m has 559,214,592 parameters.
    assertEquals(559_214_592L, bloom.parameters());
    SyntheticModel mpt = SyntheticModel.named("mpt-1b");
    assertEquals(List.of(24, 2048, 16, 50432), List.of(mpt.layers(), mpt.hidden(), mpt.heads(), mpt.vocab()));
  }

  @Test
  void unknownNameListsTheChoices() {
    var e = assertThrows(IllegalArgumentException.class, () -> SyntheticModel.named("gpt-2"));
    assertTrue(e.getMessage().contains("gpt-2") && e.getMessage().contains("bloom-560m")
        && e.getMessage().contains("mpt-1b"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"bloom", "mpt", "falcon"})
  void smallShapeLoadsWithEveryParameterCounted(String family) throws Exception {
    SyntheticModel shape = new SyntheticModel("small", Family.named(family), 2, 32, 4, 50, SafetensorsDtype.F16);
    shape.write(dir, SafetensorsDtype.F16);
    long fileBytes = Files.size(dir.resolve("model.safetensors"));
    assertTrue(fileBytes > shape.bytes(SafetensorsDtype.F16) && fileBytes < shape.bytes(SafetensorsDtype.F16) + 65536,
        "file " + fileBytes + " vs data " + shape.bytes(SafetensorsDtype.F16));
    try (Checkpoint c = Checkpoint.load(dir)) {
      assertEquals(WeightType.F16, c.weights().embeddings().type());
      assertEquals(2, c.config().numLayers());
      assertEquals(32, c.config().hiddenSize());
      assertEquals(4, c.config().numHeads());
      assertEquals(50, c.config().vocabSize());
      assertEquals(shape.parameters(), countParameters(c));
      WeightMatrix matrix = c.weights().layers().get(0).qkvWeight();
      float[] qkv = new float[matrix.rows() * matrix.cols()];
      for (int r = 0; r < matrix.rows(); r++) {
        matrix.readRow(r, qkv, r * matrix.cols());
      }
      double sumSquares = 0;
      for (float v : qkv) {
        sumSquares += v * v;
      }
      double std = Math.sqrt(sumSquares / qkv.length);
      assertTrue(Math.abs(std - 0.02) < 0.002, "weights' standard deviation " + std);
    }
  }

  @Test
  void sameShapeWritesTheSameBytes() throws Exception {
    SyntheticModel shape = new SyntheticModel("small", Family.MPT, 1, 16, 2, 20, SafetensorsDtype.F32);
    shape.write(dir.resolve("a"), SafetensorsDtype.F32);
    shape.write(dir.resolve("b"), SafetensorsDtype.F32);
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/model.safetensors")),
        Files.readAllBytes(dir.resolve("b/model.safetensors")));
  }

  private static long countParameters(Checkpoint c) {
    var w = c.weights();
    List<NDArray> vectors = new ArrayList<>(java.util.Arrays.asList(
        w.finalLnWeight(), w.embLnWeight(), w.embLnBias(), w.finalLnBias()));
    for (LayerWeights l : w.layers()) {
      vectors.addAll(java.util.Arrays.asList(l.ln1Weight(), l.ln1Bias(), l.qkvBias(), l.outBias(),
          l.ln2Weight(), l.ln2Bias(), l.upBias(), l.downBias()));
    }
    long matrices = w.matrices().stream().mapToLong(m -> (long) m.rows() * m.cols()).sum();
    return matrices + vectors.stream().filter(Objects::nonNull).mapToLong(NDArray::size).sum();
  }
}
