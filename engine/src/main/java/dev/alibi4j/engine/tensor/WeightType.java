package dev.alibi4j.engine.tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a weight matrix is stored in memory, which is what a decode step reads. Every type is
 * computed with float32 activations and float32 accumulation; only the bytes read differ.
 */
public enum WeightType {
  /** IEEE binary32: exact, 4 bytes a weight. */
  F32("f32", 4, 1),
  /** IEEE binary16: 2 bytes a weight; finite values up to 65504. */
  F16("f16", 2, 1),
  /** bfloat16 (float32's top half): 2 bytes a weight, float32's range; MPT-7B is stored so. */
  BF16("bf16", 2, 1),
  /**
   * GGML's Q8_0: blocks of 32 weights, each an IEEE half scale {@code d} followed by 32 signed
   * bytes {@code q}; a weight is {@code d * q}. 34 bytes per 32 weights.
   */
  Q8_0("q8_0", 34, 32);

  private final String cliName;
  private final int blockBytes;
  private final int blockSize;

  WeightType(String cliName, int blockBytes, int blockSize) {
    this.cliName = cliName;
    this.blockBytes = blockBytes;
    this.blockSize = blockSize;
  }

  /** The name used on the command line: {@code f32}, {@code f16}, {@code bf16}, {@code q8_0}. */
  public String cliName() {
    return cliName;
  }

  /** Weights per block (1 for the float types, 32 for Q8_0). */
  public int blockSize() {
    return blockSize;
  }

  /** Bytes per block. */
  public int blockBytes() {
    return blockBytes;
  }

  /** Whether a row of {@code cols} weights can be stored in this type. */
  public boolean fits(long cols) {
    return cols > 0 && cols % blockSize == 0;
  }

  /**
   * The type a matrix with rows of {@code cols} weights is stored in when this one is asked for:
   * this type, or float32 when the rows do not divide into blocks (as llama.cpp keeps such
   * tensors in another type).
   */
  public WeightType storageFor(long cols) {
    return fits(cols) ? this : F32;
  }

  /**
   * Bytes of one row of {@code cols} weights.
   *
   * @throws IllegalArgumentException when {@code cols} is not a multiple of the block size
   */
  public long rowBytes(long cols) {
    if (!fits(cols)) {
      throw new IllegalArgumentException(
          cliName + " stores rows in blocks of " + blockSize + " weights; a row of " + cols
              + " does not divide into them");
    }
    return cols / blockSize * blockBytes;
  }

  /**
   * The type named {@code name} ({@code f32}, {@code f16}, {@code bf16}, {@code q8_0}; case and
   * {@code -}/{@code _} are ignored).
   *
   * @throws IllegalArgumentException naming the accepted names
   */
  public static WeightType parse(String name) {
    String key = name.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    for (WeightType t : values()) {
      if (t.cliName.replace("_", "").equals(key)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown weight type '" + name + "': expected one of " + names());
  }

  /** The accepted names, comma-separated. */
  public static String names() {
    return Arrays.stream(values()).map(WeightType::cliName).collect(Collectors.joining(", "));
  }
}
