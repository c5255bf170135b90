package dev.alibi4j.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.tokenizer.ByteLevelTokenizerJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {

  @TempDir Path dir;

  /** A synthetic corpus with learnable structure: words drawn from a tiny vocabulary. */
  private Path corpus() throws Exception {
    String[] words = {"thou ", "art ", "the ", "king ", "and ", "I ", "am ", "thy ", "servant ", "\n"};
    Random r = new Random(3);
    StringBuilder s = new StringBuilder();
    while (s.length() < 20_000) {
      s.append(words[r.nextInt(words.length)]);
    }
    Path file = dir.resolve("corpus.txt");
    Files.writeString(file, s, StandardCharsets.UTF_8);
    return file;
  }

  private static TrainConfig tiny(int steps) {
    return new TrainConfig(1, 32, 4, 16, steps, 8, 3e-3, 7, 1000);
  }

  @Test
  void aFewStepsLowerTheLoss() throws Exception {
    ByteCorpus corpus = ByteCorpus.read(corpus(), 16);
    try (Trainer trainer = new Trainer(tiny(40))) {
      double before = trainer.heldOutLoss(corpus);
      trainer.train(corpus, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      double after = trainer.heldOutLoss(corpus);
      // Uniform over 257 byte ids is ln 257 = 5.55 nats; 40 steps must learn the letter statistics.
      assertTrue(before > 5.0, "initial loss " + before);
      assertTrue(after < before - 1.5, "loss " + before + " -> " + after);
    }
  }

  @Test
  void savedCheckpointReloadsWithIdenticalLogits() throws Exception {
    ByteCorpus corpus = ByteCorpus.read(corpus(), 16);
    Path out = dir.resolve("model");
    int[] ids = "thou art the king".chars().toArray();
    float[][] expected;
    try (Trainer trainer = new Trainer(tiny(5))) {
      trainer.train(corpus, new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
      trainer.save(out, SafetensorsDtype.F32);
      try (InferenceSession s = trainer.model().newSession()) {
        expected = s.appendAll(ids);
      }
    }
    try (AlibiLM lm = AlibiLM.load(out)) {
      assertEquals("mpt", lm.checkpoint().family().modelType());
      assertEquals(ByteLevelTokenizerJson.VOCAB_SIZE, lm.config().vocabSize());
      assertArrayEquals(ids, lm.encode("thou art the king"));
      float[][] actual = lm.logits(ids);
      for (int t = 0; t < ids.length; t++) {
        assertArrayEquals(expected[t], actual[t], 0f, "position " + t);
      }
    }
  }
}
