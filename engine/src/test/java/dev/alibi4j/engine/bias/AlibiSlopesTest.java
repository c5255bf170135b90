package dev.alibi4j.engine.bias;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.engine.reference.ReferenceSlopes;
import org.junit.jupiter.api.Test;

class AlibiSlopesTest {

  @Test
  void eightHeadsAreThePapersGeometricSequence() {
    // Press et al., section 3: for 8 heads the slopes are 1/2^1 ... 1/2^8.
    double[] expected = new double[8];
    for (int i = 0; i < 8; i++) {
      expected[i] = Math.pow(2, -(i + 1));
    }
    assertArrayEquals(expected, AlibiSlopes.bloom(8), 1e-15);
  }

  @Test
  void bloomMatchesGetSlopesForEveryHeadCountUpTo128() {
    for (int n = 1; n <= 128; n++) {
      assertArrayEquals(ReferenceSlopes.bloom(n), AlibiSlopes.bloom(n), 1e-12, "heads " + n);
    }
  }

  @Test
  void nonPowerOfTwoTakesEveryOtherSlopeOfTheNextPower() {
    // 6 heads: get_slopes(4) = 2^-2, 2^-4, 2^-6, 2^-8; then get_slopes(8)[0::2][:2] = 2^-1, 2^-3.
    double[] expected = {0.25, 1.0 / 16, 1.0 / 64, 1.0 / 256, 0.5, 0.125};
    assertArrayEquals(expected, AlibiSlopes.bloom(6), 1e-15);
  }

  @Test
  void mptMatchesReferenceForEveryHeadCountAndBiasMax() {
    for (double max : new double[] {8, 16, 4}) {
      for (int n = 1; n <= 64; n++) {
        assertArrayEquals(ReferenceSlopes.mpt(n, max), AlibiSlopes.mpt(n, max), 1e-12, "heads " + n);
      }
    }
  }

  @Test
  void mptWithBiasMaxEightEqualsBloomForPowersOfTwo() {
    for (int n : new int[] {1, 2, 4, 8, 16, 32}) {
      assertArrayEquals(AlibiSlopes.bloom(n), AlibiSlopes.mpt(n, 8), 1e-15, "heads " + n);
    }
  }

  @Test
  void rejectsNonPositiveHeadCount() {
    assertThrows(IllegalArgumentException.class, () -> AlibiSlopes.bloom(0));
    assertThrows(IllegalArgumentException.class, () -> AlibiSlopes.mpt(-1, 8));
  }
}
