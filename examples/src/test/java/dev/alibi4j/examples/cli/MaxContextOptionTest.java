package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --max-context N} of generate, logits and perplexity: refused before any work, named. */
class MaxContextOptionTest {

  @TempDir static Path tmp;
  static Path plain; // no tokenizer
  static Path texty; // with tokenizer.json

  @BeforeAll
  static void writeCheckpoints() {
    plain = TinyBloom.random(tmp.resolve("plain"), 40, 3);
    texty = TinyBloom.withTokenizer(TinyBloom.printable(tmp.resolve("texty"), 4));
  }

  private static void assertRefused(CommandRun r, String... parts) {
    assertEquals(1, r.code(), r.err());
    assertEquals("", r.out());
    for (String part : parts) {
      assertTrue(r.err().contains(part), "'" + part + "' missing from: " + r.err());
    }
  }

  @Test
  void generateRefusesPromptPlusNewTokensPastTheLimit() {
    String model = plain.toString();
    assertRefused(CommandRun.main("generate", "--model", model, "--ids", "1,2,3", "--max-new-tokens", "5",
        "--max-context", "7", "--json"), "3 tokens + 5 new tokens = 8 tokens", "maximum context of 7", "--max-context");
    CommandRun ok = CommandRun.main("generate", "--model", model, "--ids", "1,2,3", "--max-new-tokens", "5",
        "--max-context", "8", "--json");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().contains("\"generated_tokens\":5"), ok.out());
  }

  @Test
  void logitsRefusesMoreIdsThanTheLimitAndWritesNothing() {
    Path out = tmp.resolve("refused.npy");
    assertRefused(CommandRun.main("logits", "--model", plain.toString(), "--ids", "1,2,3,4", "--out", out.toString(),
        "--max-context", "3"), "4 tokens", "maximum context of 3");
    assertFalse(Files.exists(out));
    CommandRun ok = CommandRun.main("logits", "--model", plain.toString(), "--ids", "1,2,3,4", "--out",
        tmp.resolve("ok.npy").toString(), "--max-context", "4");
    assertEquals(0, ok.code(), ok.err());
  }

  @Test
  void perplexityRefusesAWindowPastTheLimit() throws Exception {
    Path text = Files.writeString(tmp.resolve("text.txt"), "to be or not to be, that is the question. ".repeat(4));
    assertRefused(CommandRun.main("perplexity", "--model", texty.toString(), "--file", text.toString(),
        "--context", "16", "--max-context", "8"), "--context", "16 tokens", "maximum context of 8");
    CommandRun ok = CommandRun.main("perplexity", "--model", texty.toString(), "--file", text.toString(),
        "--context", "8", "--max-context", "8", "--json");
    assertEquals(0, ok.code(), ok.err());
  }

  @Test
  void aBadValueIsAUsageErrorAndEveryUsageListsTheOption() {
    CommandRun r = CommandRun.main("generate", "--model", plain.toString(), "--ids", "1", "--max-context", "0");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--max-context must be >= 1"), r.err());
    for (String command : new String[] {"generate", "logits", "perplexity"}) {
      assertTrue(CommandRun.main(command, "--help").out().contains("--max-context N"), command);
    }
  }
}
