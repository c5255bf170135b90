package dev.alibi4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.types.DataType;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bytes and FLOPs counted from the architecture by hand, against {@link ModelCost}. */
class ModelCostTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({"bloom, F16, 2", "bloom, F32, 4", "mpt, F16, 2", "mpt, F32, 4"})
  void countsMatchTheArchitecture(String family, SafetensorsDtype stored, int bytes) throws Exception {
    int layers = 3;
    long h = 32;
    long vocab = 70;
    new SyntheticModel("small", family, layers, (int) h, 4, (int) vocab).write(dir, stored);
    DataType dtype = bytes == 2 ? DataType.FLOAT16 : DataType.FLOAT32;
    try (Checkpoint c = Checkpoint.load(dir, dtype)) {
      ModelCost cost = ModelCost.of(c.config(), c.weights());
      boolean bloom = family.equals("bloom");
      // Per block: QKV 3h², out h², up 4h², down 4h²; BLOOM adds 4 biases (3h + h + 4h + h) and
      // two norms with bias (4h); MPT has two bias-free norms (2h).
      long block = 12 * h * h + (bloom ? 13 * h : 2 * h);
      long head = vocab * h + (bloom ? 2 * h : h); // tied head + final norm
      long embeddingNorm = bloom ? 2 * h : 0;
      assertEquals((layers * block + head) * bytes, cost.decodeWeightBytes());
      assertEquals((layers * block + head + embeddingNorm) * bytes, cost.weightBytes());
      assertEquals(2L * layers * h * 4, cost.kvBytesPerPosition()); // float32 keys and values
      assertEquals(layers * 12 * h * h, cost.matrixParameters());
      long t = 10;
      double flops = 2.0 * layers * 12 * h * h * t + 4.0 * layers * t * t * h + 2.0 * h * vocab;
      assertEquals(flops, cost.prefillFlops(t), 1e-6);
      assertEquals(cost.decodeWeightBytes() + 100.0 * cost.kvBytesPerPosition(), cost.decodeBytes(100), 1e-6);
    }
  }
}
