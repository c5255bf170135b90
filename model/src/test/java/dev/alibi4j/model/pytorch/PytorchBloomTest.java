package dev.alibi4j.model.pytorch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDManager;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.torch.TorchEnvironment;
import dev.alibi4j.engine.weights.ModelWeights;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.config.FamilyConfig;
import dev.alibi4j.model.config.JsonConfig;
import dev.alibi4j.model.safetensors.SafetensorsCheckpoint;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import dev.alibi4j.model.testing.TorchBinWriter;
import dev.alibi4j.model.testing.WeightNames;
import dev.alibi4j.model.testing.WeightNames.Loaded;
import dev.alibi4j.model.weights.TensorSource;
import dev.alibi4j.model.weights.WeightLoader;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Tiny BLOOM checkpoints written as {@code .bin} load through {@link WeightLoader} to exactly what
 * their safetensors twins (same values) load to.
 */
class PytorchBloomTest {

  @TempDir Path dir;

  /** Every BLOOM weight of the checkpoint in {@code dir}, loaded from {@code source}. */
  private static Map<String, Loaded> load(Path dir, TensorSource source, WeightType type) {
    TorchEnvironment.prepare(); // before libtorch loads
    JsonConfig json = JsonConfig.read(dir.resolve("config.json"));
    Family family = Family.of(json);
    FamilyConfig config = family.parse(json);
    try (source;
        ModelWeights w = family.recipe().loadWeights(config.transformerConfig(), config.tieWordEmbeddings(),
            new WeightLoader(source, NDManager.newBaseManager("PyTorch"), type, Arena.ofShared()))) {
      return WeightNames.named(Family.BLOOM, w); // values copied out before the weights close
    }
  }

  private static void assertSame(Written twin, Map<String, Loaded> expected, Map<String, Loaded> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (String name : expected.keySet()) {
      assertArrayEquals(expected.get(name).shape(), actual.get(name).shape(), name);
      assertArrayEquals(expected.get(name).values(), actual.get(name).values(), 0f, name);
      if (twin.values().containsKey(name)) {
        assertArrayEquals(twin.values(name), actual.get(name).values(), 0f, name + " as written");
      }
    }
  }

  /** F32 as one pytorch_model.bin, the others in three shards listed by an index. */
  @ParameterizedTest
  @EnumSource(value = SafetensorsDtype.class, names = {"F32", "F16", "BF16"})
  void binLoadsLikeSafetensors(SafetensorsDtype dtype) {
    int shards = dtype == SafetensorsDtype.F32 ? 1 : 3;
    Written st = TinyCheckpoints.bloom().prefix(true).untiedLmHead().dtype(dtype).seed(5)
        .write(dir.resolve("st"));
    Written bin = TinyCheckpoints.bloom().prefix(true).untiedLmHead().dtype(dtype).seed(5)
        .pytorchBin().shards(shards).write(dir.resolve("bin"));
    assertFalse(Files.exists(bin.dir().resolve("model.safetensors.index.json")));
    assertEquals(shards == 1, Files.exists(bin.dir().resolve(PytorchCheckpoint.SINGLE_FILE)));
    assertSame(st,
        load(st.dir(), SafetensorsCheckpoint.open(st.dir()), null),
        load(bin.dir(), PytorchCheckpoint.open(bin.dir()), null));
  }

  /**
   * One storage for every vector and matrix, back to back; each attention matrix stored
   * transposed and viewed through strides; the head tied to the embeddings' storage.
   */
  @ParameterizedTest
  @EnumSource(value = SafetensorsDtype.class, names = {"F32", "F16", "BF16"})
  void packedStridedAndTiedBinLoadsLikeSafetensors(SafetensorsDtype dtype) throws IOException {
    Written st = TinyCheckpoints.bloom().dtype(dtype).seed(6).write(dir.resolve("st"));
    Path binDir = Files.createDirectories(dir.resolve("bin"));
    Files.copy(st.dir().resolve("config.json"), binDir.resolve("config.json"));
    String storageClass = switch (dtype) {
      case F32 -> "FloatStorage";
      case F16 -> "HalfStorage";
      default -> "BFloat16Storage";
    };
    TorchBinWriter w = new TorchBinWriter();
    int packedLength = st.values().entrySet().stream()
        .filter(e -> !e.getKey().contains("query_key_value.weight"))
        .mapToInt(e -> e.getValue().length).sum();
    float[] packed = new float[packedLength];
    int at = 0;
    int transposed = 0;
    for (Map.Entry<String, float[]> e : st.values().entrySet()) {
      String name = e.getKey();
      long[] shape = st.shape(name);
      float[] v = e.getValue();
      if (name.contains("query_key_value.weight")) {
        int rows = (int) shape[0];
        int cols = (int) shape[1];
        float[] t = new float[v.length]; // stored as the [cols, rows] transpose
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            t[c * rows + r] = v[r * cols + c];
          }
        }
        String key = "t" + transposed++;
        w.storage(key, storageClass, bytes(dtype, t))
            .tensor(name, key, 0, shape, new long[] {1, rows});
      } else {
        System.arraycopy(v, 0, packed, at, v.length);
        long[] stride = shape.length == 2 ? new long[] {shape[1], 1} : new long[] {1};
        w.tensor(name, "packed", at, shape, stride);
        if (name.equals("word_embeddings.weight")) {
          w.tensor("lm_head.weight", "packed", at, shape, stride); // tied, as state_dict() saves it
        }
        at += v.length;
      }
    }
    w.storage("packed", storageClass, bytes(dtype, packed)).write(binDir.resolve("pytorch_model.bin"));
    for (WeightType type : new WeightType[] {null, WeightType.F32}) {
      assertSame(st,
          load(st.dir(), SafetensorsCheckpoint.open(st.dir()), type),
          load(binDir, PytorchCheckpoint.open(binDir), type));
    }
  }

  private static byte[] bytes(SafetensorsDtype dtype, float[] values) {
    return switch (dtype) {
      case F32 -> TorchBinWriter.f32(values);
      case F16 -> TorchBinWriter.f16(values);
      default -> TorchBinWriter.bf16(values);
    };
  }
}
