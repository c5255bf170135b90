package dev.alibi4j.examples.cli;

import dev.alibi4j.model.AlibiLM;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

/** {@code logits --model DIR --ids 1,2,3 --out FILE.npy}: float32 logits at every position. */
final class LogitsCommand implements Command {

  @Override
  public String name() {
    return "logits";
  }

  @Override
  public String summary() {
    return "write the logits of every position to a .npy file";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar logits --model DIR --ids 1,2,3 --out FILE.npy
          --model DIR      checkpoint directory, or a hub id (OWNER/NAME) in the local HF cache
          --ids 1,2,3      token ids, comma-separated
          --out FILE.npy   output: float32 array [tokens, vocab] in NumPy .npy format
          --dtype T        weights in memory: f32, f16, bf16, q8_0 or auto (default: as stored)
          --no-mmap        read the weights into memory instead of mapping the files
          --max-context N  most ids accepted (default: from the model's size and the memory)
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args, Set.of("--model", "--ids", "--out", "--dtype", MaxContextOption.NAME),
        Set.of("--no-mmap"));
    Path dir = Options.model(o);
    int[] ids = o.ids("--ids");
    if (ids == null) {
      throw new UsageException("option --ids is required");
    }
    Path file = Path.of(o.required("--out"));
    Integer maxContext = MaxContextOption.parse(o);
    try (AlibiLM lm = AlibiLM.load(dir, Options.weightType(o), Options.loadOptions(o))) {
      MaxContextOption.apply(maxContext, lm);
      float[][] logits = lm.logits(ids);
      NpyWriter.write(file, logits);
      err.printf("wrote %s: float32 [%d, %d]%n", file, logits.length, logits.length == 0 ? 0 : logits[0].length);
    }
    return Main.OK;
  }
}
