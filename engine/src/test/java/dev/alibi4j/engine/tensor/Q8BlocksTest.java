package dev.alibi4j.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.engine.reference.ReferenceQ8;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Q8Blocks writes the bytes llama.cpp's quantize_row_q8_0_ref writes for the same floats. */
class Q8BlocksTest {

  /** Quantizes one block of 32 and returns its 34 bytes. */
  static byte[] quantize(float[] block) {
    MemorySegment dst = Arena.ofAuto().allocate(34);
    Q8Blocks.quantize(block, 0, 32, dst, 0);
    return dst.toArray(ValueLayout.JAVA_BYTE);
  }

  static byte[] quants(byte[] block) {
    return Arrays.copyOfRange(block, 2, 34);
  }

  static int scaleBits(byte[] block) {
    return (block[0] & 0xFF) | (block[1] & 0xFF) << 8;
  }

  /** Scales from 1e-8 (the half scale underflows) to 1e5, at an offset in both arrays. */
  @Test
  void randomBlocksMatchTheReference() {
    Random rnd = new Random(7);
    int blocks = 300;
    float[] x = new float[3 + 32 * blocks];
    for (int b = 0; b < blocks; b++) {
      double scale = Math.pow(10, rnd.nextDouble() * 13 - 8);
      for (int j = 0; j < 32; j++) {
        x[3 + 32 * b + j] = (float) (rnd.nextGaussian() * scale);
      }
    }
    MemorySegment dst = Arena.ofAuto().allocate(5 + 34L * blocks + 8);
    dst.fill((byte) 0x5A);
    Q8Blocks.quantize(x, 3, 32 * blocks, dst, 5);
    for (int b = 0; b < blocks; b++) {
      byte[] got = dst.asSlice(5 + 34L * b, 34).toArray(ValueLayout.JAVA_BYTE);
      assertArrayEquals(ReferenceQ8.quantizeBlock(x, 3 + 32 * b), got, "block " + b);
    }
    for (long i = 5 + 34L * blocks; i < dst.byteSize(); i++) {
      assertEquals((byte) 0x5A, dst.get(ValueLayout.JAVA_BYTE, i), "wrote past the blocks");
    }
  }

  /**
   * With max |x| = 127 the scale is exactly 1, so x·(1/d) is x: halves round away from zero
   * (roundf), which Math.round (-2.5 to -2) and Math.rint (2.5 to 2) do not. 0.49999997 is the
   * float below 0.5, which floor(x + 0.5f) in float rounds up to 1.
   */
  @Test
  void tiesRoundAwayFromZero() {
    float[] x = new float[32];
    float[] ties = {127, 2.5f, -2.5f, 0.5f, -0.5f, 1.5f, -1.5f, 126.5f, -126.5f, 0.49999997f, -0.49999997f, 3.5f, -3.5f, -0.0f};
    System.arraycopy(ties, 0, x, 0, ties.length);
    byte[] expected = {127, 3, -3, 1, -1, 2, -2, 127, -127, 0, 0, 4, -4, 0};
    byte[] got = quantize(x);
    assertEquals(0x3C00, scaleBits(got), "scale 1.0");
    assertArrayEquals(expected, Arrays.copyOf(quants(got), ties.length));
    assertArrayEquals(ReferenceQ8.quantizeBlock(x, 0), got);
  }

  /** max |x| = 63.5 gives d = 0.5 exactly and 1/d = 2: ties again, after the scaling. */
  @Test
  void tiesAfterScalingRoundAwayFromZero() {
    float[] x = new float[32];
    float[] ties = {-63.5f, 1.25f, -1.25f, 0.25f, -0.25f, 0.75f, -0.75f};
    System.arraycopy(ties, 0, x, 0, ties.length);
    byte[] got = quantize(x);
    assertEquals(0x3800, scaleBits(got), "scale 0.5");
    assertArrayEquals(new byte[] {-127, 3, -3, 1, -1, 2, -2}, Arrays.copyOf(quants(got), ties.length));
    assertArrayEquals(ReferenceQ8.quantizeBlock(x, 0), got);
  }

  @Test
  void zeroBlockIsAllZeroBytes() {
    assertArrayEquals(new byte[34], quantize(new float[32]));
  }

  /** One large value takes the whole scale: it becomes ±127 and its small neighbours 0. */
  @Test
  void oneHugeValueTakesTheScale() {
    float[] x = new float[32];
    Random rnd = new Random(3);
    for (int j = 0; j < 32; j++) {
      x[j] = (float) (rnd.nextGaussian() * 1e-3);
    }
    x[7] = -5e6f;
    byte[] got = quantize(x);
    assertEquals(-127, got[2 + 7]);
    assertEquals(0, got[2]);
    assertArrayEquals(ReferenceQ8.quantizeBlock(x, 0), got);
  }

  /** Past half's range (d > 65504) the stored scale is +infinity, as llama.cpp stores it. */
  @Test
  void scaleBeyondHalfRangeIsInfinity() {
    float[] x = new float[32];
    x[0] = 1e9f;
    x[1] = -1e9f;
    x[2] = 2.5e8f; // 31.750002 after scaling
    byte[] got = quantize(x);
    assertEquals(0x7C00, scaleBits(got));
    assertArrayEquals(new byte[] {127, -127, 32, 0}, Arrays.copyOf(quants(got), 4));
  }

  @Test
  void partialBlocksAreRejected() {
    MemorySegment dst = Arena.ofAuto().allocate(68);
    assertThrows(IllegalArgumentException.class, () -> Q8Blocks.quantize(new float[64], 0, 40, dst, 0));
  }
}
