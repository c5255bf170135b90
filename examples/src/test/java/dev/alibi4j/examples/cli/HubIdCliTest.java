package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model owner/name} finds the checkpoint in the Hugging Face cache named by {@code
 * HF_HUB_CACHE} (a child JVM: the variable is read from the process environment), and a missing
 * model says where it looked and how to download it.
 */
class HubIdCliTest {

  @TempDir Path tmp;

  @Test
  void hubIdResolvesInTheCacheAndAMissingOneSaysWhereItLooked() throws Exception {
    Path cache = tmp.resolve("hub");
    String hash = "0123456789abcdef0123456789abcdef01234567";
    Path repo = cache.resolve("models--tiny--bloom");
    TinyBloom.random(repo.resolve("snapshots").resolve(hash), 64, 7);
    Files.createDirectories(repo.resolve("refs"));
    Files.writeString(repo.resolve("refs/main"), hash);

    Result found = run(cache, "tiny/bloom");
    assertEquals(0, found.code(), found.err());
    assertTrue(found.out().contains("\"generated_tokens\":2"), found.out());

    Result missing = run(cache, "tiny/absent");
    assertEquals(Main.FAILED, missing.code(), missing.err());
    assertTrue(missing.err().contains(cache.resolve("models--tiny--absent").toString()), missing.err());
    assertTrue(missing.err().contains("download tiny/absent"), missing.err());
  }

  private record Result(int code, String out, String err) {}

  private static Result run(Path cache, String model) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-Dai.djl.offline=true", "-Dalibi4j.kernel=torch", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "generate", "--model", model, "--ids", "1,2", "--max-new-tokens", "2", "--json"));
    pb.environment().put("HF_HUB_CACHE", cache.toString());
    Process p = pb.start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
