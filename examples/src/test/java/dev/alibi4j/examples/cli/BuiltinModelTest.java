package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alibi4j.engine.eval.PerplexityResult;
import dev.alibi4j.engine.eval.WindowedPerplexity;
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

  @Test
  void heldOutPerplexityBeatsTheUnigramBaseline() throws Exception {
    Path corpus = Path.of(System.getProperty("shared.dir", "../shared"), "corpora/tinyshakespeare/input.txt");
    assumeTrue(Files.isRegularFile(corpus), "no Tiny Shakespeare corpus under shared.dir");
    byte[] bytes = Files.readAllBytes(corpus);
    int split = (int) (bytes.length * 0.9);
    // The first 20,000 held-out bytes keep the test short; the README reports the whole part.
    String heldOut = new String(Arrays.copyOfRange(bytes, split, Math.min(bytes.length, split + 20_000)),
        StandardCharsets.UTF_8);
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
