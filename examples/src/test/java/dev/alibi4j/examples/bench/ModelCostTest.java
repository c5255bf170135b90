package dev.alibi4j.examples.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Family;
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
  @CsvSource({"bloom, F16, F16, 2", "bloom, F32, F32, 4", "mpt, F16, F16, 2", "mpt, F32, F32, 4",
      "bloom, F16, Q8_0, 1.0625", "mpt, BF16, BF16, 2", "mpt, F32, Q8_0, 1.0625"})
  void countsMatchTheArchitecture(String family, SafetensorsDtype stored, WeightType type, double bytes)
      throws Exception {
    int layers = 3;
    long h = 32;
    long vocab = 70;
    new SyntheticModel("small", Family.named(family), layers, (int) h, 4, (int) vocab, stored).write(dir, stored);
    try (Checkpoint c = Checkpoint.load(dir, type)) {
      ModelCost cost = ModelCost.of(c.config(), c.weights());
      boolean bloom = family.equals("bloom");
      // Matrices per block: QKV 3h², out h², up 4h², down 4h², in the storage type (Q8_0: 34 bytes
      // per 32 weights). Vectors are float32: BLOOM has 4 biases (3h + h + 4h + h) and two norms
      // with bias (4h); MPT two bias-free norms (2h).
      long blockMatrices = 12 * h * h;
      long blockVectors = bloom ? 13 * h : 2 * h;
      long headVectors = bloom ? 2 * h : h; // final norm; the head is the tied embedding
      long embeddingNorm = bloom ? 2 * h : 0;
      long decode = (long) ((layers * blockMatrices + vocab * h) * bytes) + 4 * (layers * blockVectors + headVectors);
      assertEquals(decode, cost.decodeWeightBytes());
      assertEquals(decode + 4 * embeddingNorm, cost.weightBytes());
      assertEquals(2L * layers * h * 4, cost.kvBytesPerPosition()); // float32 keys and values
      assertEquals(layers * 12 * h * h, cost.matrixParameters());
      long t = 10;
      double flops = 2.0 * layers * 12 * h * h * t + 4.0 * layers * t * t * h + 2.0 * h * vocab;
      assertEquals(flops, cost.prefillFlops(t), 1e-6);
      assertEquals(cost.decodeWeightBytes() + 100.0 * cost.kvBytesPerPosition(), cost.decodeBytes(100), 1e-6);
    }
  }
}
