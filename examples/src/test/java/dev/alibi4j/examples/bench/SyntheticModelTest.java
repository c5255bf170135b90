package dev.alibi4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.model.Checkpoint;
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
  @ValueSource(strings = {"bloom", "mpt"})
  void smallShapeLoadsWithEveryParameterCounted(String family) throws Exception {
    SyntheticModel shape = new SyntheticModel("small", family, 2, 32, 4, 50);
    shape.write(dir, SafetensorsDtype.F16);
    long fileBytes = Files.size(dir.resolve("model.safetensors"));
    assertTrue(fileBytes > shape.bytes(SafetensorsDtype.F16) && fileBytes < shape.bytes(SafetensorsDtype.F16) + 65536,
        "file " + fileBytes + " vs data " + shape.bytes(SafetensorsDtype.F16));
    try (Checkpoint c = Checkpoint.load(dir, DataType.FLOAT16)) {
      assertEquals(2, c.config().numLayers());
      assertEquals(32, c.config().hiddenSize());
      assertEquals(4, c.config().numHeads());
      assertEquals(50, c.config().vocabSize());
      assertEquals(shape.parameters(), countParameters(c));
      float[] qkv = c.weights().layers().get(0).qkvWeight().toType(DataType.FLOAT32, false).toFloatArray();
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
    SyntheticModel shape = new SyntheticModel("small", "mpt", 1, 16, 2, 20);
    shape.write(dir.resolve("a"), SafetensorsDtype.F32);
    shape.write(dir.resolve("b"), SafetensorsDtype.F32);
    assertArrayEquals(Files.readAllBytes(dir.resolve("a/model.safetensors")),
        Files.readAllBytes(dir.resolve("b/model.safetensors")));
  }

  private static long countParameters(Checkpoint c) {
    var w = c.weights();
    List<NDArray> all = new ArrayList<>(List.of(w.embeddings(), w.finalLnWeight()));
    all.add(w.embLnWeight());
    all.add(w.embLnBias());
    all.add(w.finalLnBias());
    if (w.lmHead() != w.embeddings()) {
      all.add(w.lmHead());
    }
    for (LayerWeights l : w.layers()) {
      all.addAll(java.util.Arrays.asList(l.ln1Weight(), l.ln1Bias(), l.qkvWeight(), l.qkvBias(),
          l.outWeight(), l.outBias(), l.ln2Weight(), l.ln2Bias(), l.upWeight(), l.upBias(),
          l.downWeight(), l.downBias()));
    }
    return all.stream().filter(Objects::nonNull).mapToLong(NDArray::size).sum();
  }
}
