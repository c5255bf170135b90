package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CliEdgeCasesTest {

  @Test
  void noArgumentsIsAUsageErrorOnStderr() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage:"));
  }

  @Test
  void helpAsAnOptionValueIsNotHelp() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // "--stop -h" is a stop string; the missing --file must be reported instead of printing help.
    int code = Main.run(new String[] {"perplexity", "--stop", "-h"},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertEquals(2, code);
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown option --stop"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void javaOnlyNumberFormsAreRefused() {
    for (String v : new String[] {"1.5f", "0x1p3", "2d"}) {
      Options o = Options.parse(new String[] {"--t", v}, Set.of("--t"), Set.of());
      var e = assertThrows(UsageException.class, () -> o.decimal("--t"));
      assertTrue(e.getMessage().contains("--t"), e.getMessage());
    }
    assertEquals(0.015, Options.parse(new String[] {"--t", "1.5e-2"}, Set.of("--t"), Set.of()).decimal("--t"));
  }
}
