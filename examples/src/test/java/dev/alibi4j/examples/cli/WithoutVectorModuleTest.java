package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} still generates, on
 * libtorch's kernels, and says once on stderr how to get the fast ones. (Every other test runs
 * with the module, as the POM asks.)
 */
class WithoutVectorModuleTest {

  @Test
  void generatesOnLibtorchAndSaysHowToEnableTheFastKernels() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "generate", "--ids", "1,2,3", "--max-new-tokens", "4", "--json"))
        .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), err);
    assertTrue(out.contains("\"generated_tokens\":4"), out);
    assertTrue(err.contains("--add-modules jdk.incubator.vector"), err);
    assertEquals(err.indexOf("Vector API"), err.lastIndexOf("Vector API"), "said more than once: " + err);
  }
}
