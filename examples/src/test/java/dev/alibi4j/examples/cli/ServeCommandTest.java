package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

import org.junit.jupiter.api.Test;

/** {@code serve}'s options (bad values are usage errors, found before anything starts) and start-up. */
class ServeCommandTest {

  private static void assertUsage(String expected, String... args) {
    CommandRun r = CommandRun.main(args);
    assertEquals(Main.USAGE, r.code(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertTrue(r.err().contains("usage: java -jar alibi4j.jar serve"), r.err());
  }

  @Test
  void badOptionsAreUsageErrorsNamingTheOption() {
    assertUsage("option --port is too large", "serve", "--port", "70000");
    assertUsage("option --port expects an integer", "serve", "--port", "http");
    assertUsage("option --max-concurrency must be >= 1", "serve", "--max-concurrency", "0");
    assertUsage("option --queue must be >= 0", "serve", "--queue", "-1");
    assertUsage("option --api-key must not be empty", "serve", "--api-key", "");
    assertUsage("option --max-context must be >= 1", "serve", "--max-context", "0");
    assertUsage("unknown option --prompt", "serve", "--prompt", "hi");
  }

  @Test
  void aCheckpointThatFailsToLoadEndsTheServerWithTheReason(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"bloom\",");
    CommandRun r = CommandRun.main("serve", "--model", dir.toString(), "--port", "0");
    assertEquals(Main.FAILED, r.code(), r.err());
    assertTrue(r.err().contains("listening on http://127.0.0.1:"), "it listened while loading: " + r.err());
    assertTrue(r.err().contains("config.json"), "the reason names the file: " + r.err());
    assertFalse(r.err().contains("serving '"), r.err());
  }

  @Test
  void helpListsServeAndItsOptions() {
    assertTrue(CommandRun.main("--help").out().contains("serve"));
    String usage = CommandRun.main("serve", "--help").out();
    for (String option : new String[] {"--model", "--dtype", "--host", "--port", "--max-concurrency", "--queue",
        "--api-key", "--max-context"}) {
      assertTrue(usage.contains(option), option);
    }
  }
}
