package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --no-mmap} on the commands that load a model: accepted, documented, same results. */
class NoMmapCliTest {

  @TempDir static Path tmp;

  static Path model;

  @BeforeAll
  static void writeModel() {
    model = TinyBloom.withTokenizer(TinyBloom.printable(tmp.resolve("model"), 21));
  }

  private static CommandRun ok(String... args) {
    CommandRun r = CommandRun.main(args);
    assertEquals(0, r.code(), r.err());
    return r;
  }

  @Test
  void generateGivesTheSameTokens() {
    String mapped = ok("generate", "--model", model.toString(), "--ids", "72,101", "--max-new-tokens", "6", "--json").out();
    String copied = ok("generate", "--model", model.toString(), "--ids", "72,101", "--max-new-tokens", "6", "--json",
        "--no-mmap").out();
    assertEquals(JsonParser.parseString(mapped).getAsJsonObject().get("ids"),
        JsonParser.parseString(copied).getAsJsonObject().get("ids"));
  }

  @Test
  void logitsAreTheSameBytes() throws Exception {
    Path a = tmp.resolve("mapped.npy");
    Path b = tmp.resolve("copied.npy");
    ok("logits", "--model", model.toString(), "--ids", "3,1,4", "--out", a.toString());
    ok("logits", "--model", model.toString(), "--ids", "3,1,4", "--out", b.toString(), "--no-mmap");
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  @Test
  void perplexityIsTheSame() throws Exception {
    Path text = Files.writeString(tmp.resolve("t.txt"), "Hello there, hello again. Hello there!\n");
    String mapped = ok("perplexity", "--model", model.toString(), "--file", text.toString(), "--context", "8", "--json").out();
    String copied = ok("perplexity", "--model", model.toString(), "--file", text.toString(), "--context", "8", "--json",
        "--no-mmap").out();
    assertEquals(JsonParser.parseString(mapped).getAsJsonObject().get("perplexity"),
        JsonParser.parseString(copied).getAsJsonObject().get("perplexity"));
  }

  @Test
  void benchAcceptsTheFlag() {
    // A run of bench takes long (bandwidth probes); a usage error about another option shows
    // that --no-mmap itself was parsed.
    String m = assertThrows(UsageException.class, () -> CommandRun.of(new BenchCommand(),
        "--model", model.toString(), "--no-mmap", "--prompt-tokens", "5", "--context", "2")).getMessage();
    assertTrue(m.contains("--context"), m);
    assertFalse(m.contains("--no-mmap"), m);
  }

  @Test
  void everyLoadingCommandDocumentsIt() {
    for (Command c : List.of(new GenerateCommand(), new LogitsCommand(), new PerplexityCommand(),
        new BenchCommand())) {
      assertTrue(c.usage().contains("--no-mmap"), c.name());
    }
  }
}
