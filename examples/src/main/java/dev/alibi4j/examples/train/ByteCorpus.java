package dev.alibi4j.examples.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A text file as bytes (the byte-level tokenizer's ids), split into the first 90% for training
 * and the last 10% held out.
 */
public final class ByteCorpus {

  private final byte[] train;
  private final byte[] heldOut;

  private ByteCorpus(byte[] train, byte[] heldOut) {
    this.train = train;
    this.heldOut = heldOut;
  }

  /** Reads and splits {@code file}; both parts must hold more than {@code context} bytes. */
  public static ByteCorpus read(Path file, int context) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("corpus file not found: " + file);
    }
    byte[] all = Files.readAllBytes(file);
    int split = (int) (all.length * 0.9);
    ByteCorpus c = new ByteCorpus(Arrays.copyOf(all, split), Arrays.copyOfRange(all, split, all.length));
    if (c.heldOut.length <= context + 1) {
      throw new IllegalArgumentException(
          "corpus " + file + " is too small: its held-out 10% (" + c.heldOut.length
              + " bytes) must exceed the context + 1 (" + (context + 1) + ")");
    }
    return c;
  }

  /** {@code batch} random windows of {@code length} token ids from the training part. */
  public long[] trainBatch(SplittableRandom random, int batch, int length) {
    return windows(train, random, batch, length);
  }

  /** {@code batch} random windows from the held-out part. */
  public long[] heldOutBatch(SplittableRandom random, int batch, int length) {
    return windows(heldOut, random, batch, length);
  }

  public int trainBytes() {
    return train.length;
  }

  private static long[] windows(byte[] data, SplittableRandom random, int batch, int length) {
    long[] out = new long[batch * length];
    for (int b = 0; b < batch; b++) {
      int start = random.nextInt(data.length - length + 1);
      for (int t = 0; t < length; t++) {
        out[b * length + t] = data[start + t] & 0xff;
      }
    }
    return out;
  }
}
