package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.examples.io.AtomicFile;
import dev.alibi4j.model.AlibiLM;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;

/** {@code logits --model DIR --ids 1,2,3 --out FILE.npy}: float32 logits at every position. */
final class LogitsCommand implements Command {

  /**
   * Positions computed and written at a time: the engine's own prefill chunk, so that the
   * logits are the very values one pass over all ids gives, while memory holds one chunk's rows.
   */
  static final int ROWS_AT_A_TIME = 256;

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
        usage: java -jar alibi4j.jar logits --model DIR (--ids 1,2,3 | --ids-file FILE) --out FILE.npy
          --model DIR        checkpoint directory, or a hub id (OWNER/NAME) in the local HF cache
          --ids 1,2,3        token ids, comma-separated
          --ids-file FILE|-  token ids separated by commas or whitespace (- reads standard input)
          --out FILE.npy     output: float32 array [tokens, vocab] in NumPy .npy format, written
                             row by row to a temporary file and renamed over FILE.npy at the end
                             (on failure an existing FILE.npy is left unchanged)
          --dtype T          weights in memory: f32, f16, bf16, q8_0 or auto (default: as stored)
          --no-mmap          read the weights into memory instead of mapping the files
          --max-context N    most ids accepted (default: from the model's size and the memory)
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args, Set.of("--model", "--ids", "--ids-file", "--out", "--dtype", MaxContextOption.NAME),
        Set.of("--no-mmap"));
    if (o.has("--ids") == o.has("--ids-file")) {
      throw new UsageException("give exactly one of --ids or --ids-file");
    }
    Path file = Path.of(o.required("--out"));
    Path dir = Options.model(o);
    int[] ids = o.has("--ids") ? o.ids("--ids") : FileInputs.ids("--ids-file", o.string("--ids-file"));
    Integer maxContext = MaxContextOption.parse(o);
    AtomicFile.checkWritable(file);
    try (AlibiLM lm = AlibiLM.load(dir, Options.weightType(o), Options.loadOptions(o))) {
      MaxContextOption.apply(maxContext, lm);
      ContextLimit.check("the ids (--ids)", ids.length, lm.maxContext());
      int vocab = lm.config().vocabSize();
      checkIds(ids, vocab); // before the file is touched
      write(lm, ids, file);
      err.printf("wrote %s: float32 [%d, %d]%n", file, ids.length, vocab);
    }
    return Main.OK;
  }

  /** Computes and writes the rows a chunk at a time; {@code file} is replaced only when all are written. */
  static void write(AlibiLM lm, int[] ids, Path file) throws IOException {
    AtomicFile.write(file, tmp -> {
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
          InferenceSession session = lm.newSession()) {
        NpyWriter npy = NpyWriter.start(channel, ids.length, lm.config().vocabSize());
        for (int start = 0; start < ids.length; start += ROWS_AT_A_TIME) {
          int[] chunk = Arrays.copyOfRange(ids, start, Math.min(ids.length, start + ROWS_AT_A_TIME));
          for (float[] row : session.appendAll(chunk)) {
            npy.writeRow(row);
          }
        }
        npy.finish();
      }
    });
  }

  private static void checkIds(int[] ids, int vocab) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at index " + i + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
  }
}
