package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alibi4j.engine.eval.PerplexityResult;
import dev.alibi4j.engine.eval.WindowedPerplexity;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.AlibiLM;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BuiltinModelTest {

  @Test
  void builtInModelShipsAndLoads() {
    assertTrue(BuiltinModel.available(), "examples/src/main/resources/dev/alibi4j/builtin/ is missing");
    try (AlibiLM lm = AlibiLM.load(BuiltinModel.resolve())) {
      assertEquals("mpt", lm.checkpoint().family().modelType());
      assertEquals("ROMEO:", lm.decode(lm.encode("ROMEO:")));
    }
  }

  static Path corpus() {
    Path corpus = Path.of(System.getProperty("shared.dir", "../shared"), "corpora/tinyshakespeare/input.txt");
    assumeTrue(Files.isRegularFile(corpus), "no Tiny Shakespeare corpus under shared.dir");
    return corpus;
  }

  /** The first {@code limit} bytes of the held-out last 10%. */
  static String heldOut(byte[] bytes, int limit) {
    int split = (int) (bytes.length * 0.9);
    return new String(Arrays.copyOfRange(bytes, split, Math.min(bytes.length, split + limit)), StandardCharsets.UTF_8);
  }

  /**
   * Q8_0's own error, measured where it matters: held-out perplexity within 1% of the exact
   * float32 weights (the README reports the whole held-out part).
   */
  @Test
  void q8HeldOutPerplexityIsWithinOnePercentOfFloat32() throws Exception {
    String text = heldOut(Files.readAllBytes(corpus()), 20_000);
    double[] perplexity = new double[2];
    WeightType[] types = {WeightType.F32, WeightType.Q8_0};
    for (int i = 0; i < 2; i++) {
      try (AlibiLM lm = AlibiLM.load(BuiltinModel.resolve(), types[i])) {
        assertEquals(types[i], lm.checkpoint().weights().layers().get(0).qkvWeight().type());
        perplexity[i] = WindowedPerplexity.evaluate(lm.model(), lm.encode(text), 128, 128, null).perplexity();
      }
    }
    double change = Math.abs(perplexity[1] / perplexity[0] - 1);
    assertTrue(change < 0.01, "q8_0 " + perplexity[1] + " vs f32 " + perplexity[0]);
    assertTrue(perplexity[1] != perplexity[0], "q8_0 and f32 gave the same perplexity: was anything quantized?");
  }

  @Test
  void heldOutPerplexityBeatsTheUnigramBaseline() throws Exception {
    byte[] bytes = Files.readAllBytes(corpus());
    int split = (int) (bytes.length * 0.9);
    // The first 20,000 held-out bytes keep the test short; the README reports the whole part.
    String heldOut = heldOut(bytes, 20_000);
    String train = new String(Arrays.copyOf(bytes, split), StandardCharsets.UTF_8);
    try (AlibiLM lm = AlibiLM.load(BuiltinModel.resolve())) {
      int[] tokens = lm.encode(heldOut);
      PerplexityResult r = WindowedPerplexity.evaluate(lm.model(), tokens, 128, 128, null);
      double unigram = UnigramBaseline.perplexity(lm.encode(train), tokens, lm.config().vocabSize(), 128, 128);
      assertTrue(unigram > 15, "unigram perplexity of English bytes " + unigram);
      assertTrue(r.perplexity() < unigram / 2, "model " + r.perplexity() + " vs unigram " + unigram);
    }
  }
}
