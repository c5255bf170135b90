package dev.alibi4j.examples;

import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import java.nio.file.Path;

/**
 * The Java API in a dozen lines: load a checkpoint, stream a completion, print the timings.
 *
 * <pre>
 * java -cp examples/target/alibi4j.jar dev.alibi4j.examples.GenerateExample DIR "Once upon a time"
 * </pre>
 */
public final class GenerateExample {

  private GenerateExample() {}

  public static void main(String[] args) {
    if (args.length != 2) {
      System.err.println("usage: GenerateExample CHECKPOINT_DIR PROMPT");
      System.exit(2);
    }
    System.setProperty("ai.djl.offline", "true");
    try (AlibiLM lm = AlibiLM.load(Path.of(args[0]))) {
      GenerationParams params =
          GenerationParams.builder().maxNewTokens(48).temperature(0.8).topP(0.95).seed(42).build();
      GenerationResult result = lm.generate(args[1], params, (id, text) -> System.out.print(text));
      System.out.printf(
          "%n[%d tokens, %.1f tok/s, finish: %s]%n",
          result.generatedTokens(), result.decodeTokensPerSecond(), result.finishReason());
    }
  }
}
