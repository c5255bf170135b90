package dev.alibi4j.examples;

import dev.alibi4j.examples.bench.SyntheticModel;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a checkpoint of random weights with a published model's shape (see {@code bench
 * --synthetic}), e.g. to try {@code generate} or {@code perplexity} on a full-size model without a
 * download.
 *
 * <pre>
 * java -cp examples/target/alibi4j.jar dev.alibi4j.examples.RandomCheckpoint OUT_DIR [bloom-560m|mpt-1b] [F32|F16|BF16]
 * </pre>
 */
public final class RandomCheckpoint {

  private RandomCheckpoint() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: RandomCheckpoint OUT_DIR [bloom-560m|mpt-1b] [F32|F16|BF16]");
      System.exit(2);
    }
    try {
      SyntheticModel shape = SyntheticModel.named(args.length > 1 ? args[1] : "bloom-560m");
      SafetensorsDtype dtype = args.length > 2 ? SafetensorsDtype.valueOf(args[2]) : SafetensorsDtype.F16;
      if (!dtype.isLoadable()) {
        throw new IllegalArgumentException("dtype must be F32, F16 or BF16, got " + dtype);
      }
      shape.write(Path.of(args[0]), dtype);
      System.err.println("wrote " + args[0] + ": " + shape + ", " + dtype);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    }
  }
}
