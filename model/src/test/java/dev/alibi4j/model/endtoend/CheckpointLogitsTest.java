package dev.alibi4j.model.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import dev.alibi4j.engine.reference.ReferenceWeights;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.TinyCheckpoints;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * From a checkpoint directory on disk to logits, against the float64 reference computed from the
 * values that were written (already rounded to the storage dtype): max |Δ| ≤ 1e-4, float32 compute.
 * Every family; Falcon-RW with 4, 6 and 12 heads (the reference adds its bias before the scale);
 * safetensors and PyTorch {@code .bin}, single and sharded.
 */
class CheckpointLogitsTest {

  @TempDir Path dir;

  static Stream<Arguments> checkpoints() {
    return Stream.of(
        Arguments.of("bloom 3 heads F32", TinyCheckpoints.bloom().hidden(24).heads(3)),
        Arguments.of("bloom 6 heads F16", TinyCheckpoints.bloom().hidden(24).heads(6).dtype(SafetensorsDtype.F16)),
        Arguments.of("bloom 4 heads BF16 prefixed", TinyCheckpoints.bloom().dtype(SafetensorsDtype.BF16).prefix(true)),
        Arguments.of("bloom 6 heads sharded untied", TinyCheckpoints.bloom().hidden(24).heads(6).shards(3).untiedLmHead()),
        Arguments.of("bloom residual post-LN", TinyCheckpoints.bloom().hidden(24).heads(3)
            .config(c -> c.addProperty("apply_residual_connection_post_layernorm", true))),
        Arguments.of("mpt 3 heads F32", TinyCheckpoints.mpt().hidden(24).heads(3)),
        Arguments.of("mpt 6 heads BF16", TinyCheckpoints.mpt().hidden(24).heads(6).dtype(SafetensorsDtype.BF16)),
        Arguments.of("mpt 4 heads F16 prefixed", TinyCheckpoints.mpt().dtype(SafetensorsDtype.F16).prefix(true)),
        Arguments.of("mpt 6 heads clip_qkv + softmax_scale", TinyCheckpoints.mpt().hidden(24).heads(6)
            .config(c -> {
              c.getAsJsonObject("attn_config").addProperty("clip_qkv", 0.7);
              c.getAsJsonObject("attn_config").addProperty("softmax_scale", 0.4);
            })),
        Arguments.of("falcon 4 heads F32", TinyCheckpoints.falcon().hidden(32).heads(4)),
        Arguments.of("falcon 6 heads BF16 prefixed untied", TinyCheckpoints.falcon().hidden(48).heads(6)
            .dtype(SafetensorsDtype.BF16).prefix(true).untiedLmHead()),
        Arguments.of("falcon 12 heads F16 sharded", TinyCheckpoints.falcon().hidden(48).heads(12)
            .dtype(SafetensorsDtype.F16).shards(2)),
        Arguments.of("bloom 4 heads .bin BF16", TinyCheckpoints.bloom().dtype(SafetensorsDtype.BF16).pytorchBin()),
        Arguments.of("bloom 6 heads .bin sharded untied prefixed", TinyCheckpoints.bloom().hidden(24).heads(6)
            .shards(3).untiedLmHead().prefix(true).pytorchBin()),
        Arguments.of("mpt 4 heads .bin F16", TinyCheckpoints.mpt().dtype(SafetensorsDtype.F16).pytorchBin()),
        Arguments.of("mpt 3 heads .bin F32 sharded", TinyCheckpoints.mpt().hidden(24).heads(3).shards(2).pytorchBin()),
        Arguments.of("falcon 4 heads .bin BF16 sharded", TinyCheckpoints.falcon().hidden(32).heads(4)
            .dtype(SafetensorsDtype.BF16).shards(2).pytorchBin()),
        Arguments.of("falcon 6 heads .bin F32", TinyCheckpoints.falcon().hidden(24).heads(6).pytorchBin()),
        Arguments.of("falcon RefinedWebModel with the old names", TinyCheckpoints.falcon().hidden(24).heads(6)
            .config(c -> {
              c.addProperty("model_type", "RefinedWebModel");
              c.add("n_head", c.remove("num_attention_heads"));
              c.add("n_layer", c.remove("num_hidden_layers"));
            })));
  }

  /** The same weights as safetensors and as .bin give the same greedy tokens and logits. */
  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(Family.class)
  void binAndSafetensorsTwinsGenerateTheSameTokens(Family family) throws Exception {
    int[] prompt = {3, 1, 4, 1, 5};
    int[][] tokens = new int[2][];
    for (int k = 0; k < 2; k++) {
      Path d = dir.resolve(k == 0 ? "safetensors" : "bin");
      TinyCheckpoints.Spec spec = TinyCheckpoints.of(family).dtype(SafetensorsDtype.F16).seed(77);
      (k == 0 ? spec : spec.pytorchBin()).write(d);
      try (Checkpoint ckpt = Checkpoint.load(d);
          AlibiTransformer model = new AlibiTransformer(ckpt.config(), ckpt.weights());
          InferenceSession s = model.newSession()) {
        tokens[k] = new int[12];
        float[] logits = s.append(prompt);
        for (int i = 0; i < tokens[k].length; i++) {
          int best = 0;
          for (int v = 1; v < logits.length; v++) {
            best = logits[v] > logits[best] ? v : best;
          }
          tokens[k][i] = best;
          logits = s.append(new int[] {best});
        }
      }
    }
    org.junit.jupiter.api.Assertions.assertArrayEquals(tokens[0], tokens[1]);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("checkpoints")
  void logitsMatchFloat64Reference(String name, TinyCheckpoints.Spec spec) {
    Written written = spec.seed(name.hashCode()).write(dir);
    int[] ids = new Random(5).ints(17, 0, 32).toArray();
    try (Checkpoint ckpt = Checkpoint.load(dir);
        AlibiTransformer model = new AlibiTransformer(ckpt.config(), ckpt.weights());
        InferenceSession session = model.newSession()) {
      ReferenceWeights ref = ReferenceOfCheckpoint.of(ckpt.family(), written, ckpt.config());
      double[][] expected = new ReferenceTransformer(ckpt.config(), ref).logits(ids);
      float[][] prefill = session.appendAll(Arrays.copyOf(ids, 9));
      for (int t = 0; t < ids.length; t++) {
        float[] actual = t < 9 ? prefill[t] : session.append(new int[] {ids[t]});
        assertEquals(expected[t].length, actual.length);
        double max = 0;
        for (int v = 0; v < actual.length; v++) {
          max = Math.max(max, Math.abs(expected[t][v] - actual[v]));
        }
        assertTrue(max <= 1e-4, name + ": position " + t + " max |Δ| = " + max);
      }
    }
  }
}
