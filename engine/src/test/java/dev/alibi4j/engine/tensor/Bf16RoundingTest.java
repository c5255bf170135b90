package dev.alibi4j.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.reference.ReferenceBf16;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** WeightRows' bfloat16 conversions: round to nearest even, NaN stays NaN, widening is exact. */
class Bf16RoundingTest {

  static int toBf16(int floatBits) {
    return WeightRows.floatToBf16(Float.intBitsToFloat(floatBits)) & 0xFFFF;
  }

  /** Float bits in, bfloat16 bits out: exact halves go to the even neighbour. */
  @Test
  void tiesGoToEven() {
    int[][] cases = {
      {0x3F808000, 0x3F80}, // tie, 0x3F80 even: down
      {0x3F818000, 0x3F82}, // tie, 0x3F81 odd: up
      {0x3F807FFF, 0x3F80}, // below the tie
      {0x3F808001, 0x3F81}, // above the tie
      {0xBF818000, 0xBF82}, // negative: by magnitude
      {0xBF808000, 0xBF80},
      {0x3F7F8000, 0x3F80}, // rounds up into the next binade
      {0x00008000, 0x0000}, // subnormal tie, even: down
      {0x00018000, 0x0002}, // subnormal tie, odd: up
      {0x80000000, 0x8000}, // -0 keeps its sign
      {0x7F7FFFFF, 0x7F80}, // the largest float rounds to infinity
      {0x7F7F7FFF, 0x7F7F},
      {0x7F800000, 0x7F80}, // infinities stay
      {0xFF800000, 0xFF80},
    };
    for (int[] c : cases) {
      assertEquals(c[1], toBf16(c[0]), "float bits " + Integer.toHexString(c[0]));
    }
  }

  @Test
  void randomNormalFloatsMatchTheReference() {
    Random rnd = new Random(5);
    for (int k = 0; k < 200_000; k++) {
      int bits = rnd.nextInt();
      int exponent = (bits >>> 23) & 0xFF;
      if (exponent == 0 || exponent >= 0xFE) {
        continue; // the reference covers the normal range, short of overflow
      }
      float v = Float.intBitsToFloat(bits);
      int expected = Float.floatToRawIntBits((float) ReferenceBf16.round(v)) >>> 16;
      assertEquals(expected, toBf16(bits), "float " + v);
    }
  }

  /** A NaN whose payload sits in the low 16 bits would truncate to infinity; 0x7FFFFFFF would carry into the sign. */
  @Test
  void nanStaysNan() {
    for (int bits : new int[] {0x7FC00000, 0x7F800001, 0xFF800001, 0x7FFFFFFF, 0xFFFFFFFF, 0x7F80FFFF}) {
      int b = toBf16(bits);
      assertTrue((b & 0x7F80) == 0x7F80 && (b & 0x7F) != 0, Integer.toHexString(bits) + " gave " + Integer.toHexString(b));
      assertTrue(Float.isNaN(WeightRows.bf16ToFloat((short) b)));
    }
  }

  @Test
  void widenedBitsAreTheTopHalf() {
    for (int h = 0; h < 0x10000; h++) {
      float f = WeightRows.bf16ToFloat((short) h);
      if ((h & 0x7F80) == 0x7F80 && (h & 0x7F) != 0) {
        assertTrue(Float.isNaN(f), Integer.toHexString(h));
      } else {
        assertEquals(h << 16, Float.floatToRawIntBits(f), Integer.toHexString(h));
      }
    }
  }
}
