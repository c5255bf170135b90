package dev.alibi4j.model.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** The bit-trick scan agrees with Java's own {@code isFinite} on every 16-bit pattern and more. */
class NonFiniteTest {

  private static final ValueLayout.OfShort SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** Nine elements (two full longs of 16-bit values and a tail): every lane and the tail. */
  private static final int N = 9;

  @Test
  void everyHalfAndBfloat16PatternAtEveryPosition() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = arena.allocate(2L * N);
      for (int bits = 0; bits < 1 << 16; bits++) {
        boolean halfFinite = Float.isFinite(Float.float16ToFloat((short) bits));
        boolean bf16Finite = Float.isFinite(Float.intBitsToFloat(bits << 16));
        int at = bits % N;
        s.fill((byte) 0x3C); // 0x3C3C: finite in both types
        s.set(SHORT, 2L * at, (short) bits);
        assertEquals(halfFinite ? -1 : at, NonFinite.find(s, WeightType.F16, N), "f16 bits " + bits);
        assertEquals(bf16Finite ? -1 : at, NonFinite.find(s, WeightType.BF16, N), "bf16 bits " + bits);
        if (!halfFinite) {
          assertEquals(Float.isNaN(Float.float16ToFloat((short) bits)), NonFinite.isNaN(s, WeightType.F16, at));
        }
        if (!bf16Finite) {
          assertEquals(Float.isNaN(Float.intBitsToFloat(bits << 16)), NonFinite.isNaN(s, WeightType.BF16, at));
        }
      }
    }
  }

  @Test
  void float32PatternsAtEveryPosition() {
    int[] patterns = {0x7F800000, 0xFF800000, 0x7FC00000, 0x7F800001, 0xFFFFFFFF, 0x7FBFFFFF,
        0x7F7FFFFF, 0xFF7FFFFF, 0x00000001, 0x80000000, 0x3F800000, 0x00800000};
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment s = arena.allocate(4L * N);
      for (int bits : patterns) {
        for (int at = 0; at < N; at++) {
          for (int i = 0; i < N; i++) {
            s.set(INT, 4L * i, Float.floatToIntBits(0.5f));
          }
          s.set(INT, 4L * at, bits);
          float v = Float.intBitsToFloat(bits);
          assertEquals(Float.isFinite(v) ? -1 : at, NonFinite.find(s, WeightType.F32, N),
              Integer.toHexString(bits) + " at " + at);
        }
      }
    }
  }

  @Test
  void theFirstOfSeveralIsFoundAcrossParallelChunks() {
    long n = 3_000_000; // 6 MB of half: two 4 MiB chunks, scanned by several threads
    try (Arena arena = Arena.ofShared()) {
      MemorySegment s = arena.allocate(2 * n);
      s.fill((byte) 0x00);
      assertEquals(-1, NonFinite.find(s, WeightType.F16, n));
      s.set(SHORT, 2 * (n - 1), (short) 0x7C00); // +inf, the last element
      assertEquals(n - 1, NonFinite.find(s, WeightType.F16, n));
      s.set(SHORT, 2 * 2_500_001L, (short) 0xFE00); // NaN in the second chunk
      assertEquals(2_500_001L, NonFinite.find(s, WeightType.F16, n));
      s.set(SHORT, 2 * 3L, (short) 0xFC00); // -inf in the first
      assertEquals(3, NonFinite.find(s, WeightType.F16, n));
      assertEquals(-1, NonFinite.find(s, WeightType.F16, 3), "only the first three elements");
    }
  }
}
