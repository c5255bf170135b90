package dev.alibi4j.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.alibi4j.engine.kernel.KernelFixtures.Named;
import dev.alibi4j.engine.reference.ReferenceQ8;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Widening loses nothing: every stored value comes out as the float32 it denotes, bit for bit
 * (float16 and bfloat16 over every finite bit pattern, subnormals and -0 included), for partial
 * row ranges, and nothing is written past the range.
 */
class WidenIsExactTest {

  private static final byte SENTINEL = 0x5A;

  /** Read as int, so that the comparison is of bits (-0 and subnormals included). */
  private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  static Stream<Arguments> cases() {
    return KernelFixtures.kernels().stream().flatMap(k -> Arrays.stream(WeightType.values()).map(t -> Arguments.of(k, t)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void widenedRowsAreTheStoredValues(Named k, WeightType type) {
    Matrix m = switch (type) {
      case F32 -> f32();
      case F16 -> everyFiniteHalf();
      case BF16 -> everyFiniteBf16();
      case Q8_0 -> q8();
    };
    int rows = m.w.rows();
    int cols = m.w.cols();
    int[][] ranges = {{0, rows}, {1, rows - 1}, {rows - 1, rows}, {rows / 3, rows / 3 + 2}};
    for (int[] range : ranges) {
      long bytes = (long) (range[1] - range[0]) * cols * Float.BYTES;
      MemorySegment dst = Arena.ofAuto().allocate(bytes + 64);
      dst.fill(SENTINEL);
      k.kernel().widen(m.w, range[0], range[1], dst);
      for (int r = range[0]; r < range[1]; r++) {
        for (int i = 0; i < cols; i++) {
          int bits = dst.get(INT, ((long) (r - range[0]) * cols + i) * 4);
          if (bits != m.bits[r * cols + i]) {
            fail(k + " " + type + " rows [" + range[0] + ", " + range[1] + "): [" + r + "][" + i + "] has bits "
                + Integer.toHexString(bits) + ", expected " + Integer.toHexString(m.bits[r * cols + i]));
          }
        }
      }
      for (long b = bytes; b < bytes + 64; b++) {
        assertEquals(SENTINEL, dst.get(ValueLayout.JAVA_BYTE, b), k + " " + type + ": wrote past the range");
      }
    }
  }

  /** A matrix and the float32 bits each weight widens to. */
  record Matrix(WeightMatrix w, int[] bits) {}

  /** Random finite floats, subnormals and ±0 among them; 37 columns leave a tail. */
  static Matrix f32() {
    int rows = 9;
    int cols = 37;
    Random rnd = new Random(1);
    MemorySegment data = Arena.ofAuto().allocate(4L * rows * cols);
    int[] bits = new int[rows * cols];
    for (int j = 0; j < bits.length; j++) {
      int b = rnd.nextInt();
      if ((b & 0x7F800000) == 0x7F800000) {
        b &= 0xBFFFFFFF; // keep it finite
      }
      bits[j] = j == 3 ? 0x80000000 : j == 4 ? 0x00000001 : b;
      data.set(KernelFixtures.FLOAT, 4L * j, Float.intBitsToFloat(bits[j]));
    }
    return new Matrix(WeightMatrix.of(data, WeightType.F32, rows, cols), bits);
  }

  /** All 63488 finite halves, 512 rows of 124 (a tail at either vector width). */
  static Matrix everyFiniteHalf() {
    int rows = 512;
    int cols = 124;
    MemorySegment data = Arena.ofAuto().allocate(2L * rows * cols);
    int[] bits = new int[rows * cols];
    int j = 0;
    for (int h = 0; h < 0x10000; h++) {
      if ((h & 0x7C00) != 0x7C00) {
        data.set(KernelFixtures.SHORT, 2L * j, (short) h);
        bits[j++] = Float.floatToRawIntBits((float) ReferenceQ8.halfValue(h));
      }
    }
    assertEquals(rows * cols, j);
    return new Matrix(WeightMatrix.of(data, WeightType.F16, rows, cols), bits);
  }

  /** All 65280 finite bfloat16 values, 256 rows of 255: a bfloat16 is a float's top 16 bits. */
  static Matrix everyFiniteBf16() {
    int rows = 256;
    int cols = 255;
    MemorySegment data = Arena.ofAuto().allocate(2L * rows * cols);
    int[] bits = new int[rows * cols];
    int j = 0;
    for (int h = 0; h < 0x10000; h++) {
      if ((h & 0x7F80) != 0x7F80) {
        data.set(KernelFixtures.SHORT, 2L * j, (short) h);
        bits[j++] = h << 16;
      }
    }
    assertEquals(rows * cols, j);
    return new Matrix(WeightMatrix.of(data, WeightType.BF16, rows, cols), bits);
  }

  /** Random finite half scales (subnormal and negative ones too) and every int8 including -128. */
  static Matrix q8() {
    int rows = 7;
    int cols = 96;
    Random rnd = new Random(2);
    MemorySegment data = Arena.ofAuto().allocate(34L * rows * cols / 32);
    int[] bits = new int[rows * cols];
    for (int b = 0; b < rows * cols / 32; b++) {
      int d = rnd.nextInt(0x10000);
      if ((d & 0x7C00) == 0x7C00) {
        d &= 0xBFFF;
      }
      if (b == 1) {
        d = 0x0001; // the smallest subnormal scale
      }
      data.set(KernelFixtures.SHORT, 34L * b, (short) d);
      for (int q = 0; q < 32; q++) {
        byte v = (byte) (b == 0 ? q - 128 : rnd.nextInt(256));
        data.set(ValueLayout.JAVA_BYTE, 34L * b + 2 + q, v);
        // d·q has at most 19 significant bits: the float product is exact
        bits[b * 32 + q] = Float.floatToRawIntBits((float) (ReferenceQ8.halfValue(d) * v));
      }
    }
    return new Matrix(WeightMatrix.of(data, WeightType.Q8_0, rows, cols), bits);
  }
}
