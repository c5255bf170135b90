package dev.alibi4j.engine.kernel;

import static org.junit.jupiter.api.Assertions.fail;

import dev.alibi4j.engine.kernel.KernelFixtures.Named;
import dev.alibi4j.engine.kernel.KernelFixtures.Stored;
import dev.alibi4j.engine.tensor.WeightType;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Batched decoding multiplies several sequences' rows at once; a sequence's result must not
 * depend on the rows that come with it. Each row of a many-row product must equal, bit for bit,
 * the product of that row alone (a different summation order would change the last bits, and in
 * time a greedy token).
 */
class RowIndependenceTest {

  static Stream<Arguments> cases() {
    return KernelFixtures.kernels().stream().flatMap(k -> Arrays.stream(WeightType.values())
        .map(t -> Arguments.of(k, t, t == WeightType.Q8_0 ? 4160 : 4100)));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("cases")
  void eachRowIsItsOwnProductToTheLastBit(Named k, WeightType type, int cols) {
    int out = 37;
    Stored w = KernelFixtures.random(type, out, cols, 7L * type.ordinal() + cols);
    for (int rows : new int[] {2, 5, 17, Kernel.MAX_ROWS}) {
      float[] x = KernelFixtures.gaussian(rows * cols, 100L + rows);
      float[] y = new float[rows * out];
      k.kernel().multiply(w.matrix(), x, y, rows);
      for (int r = 0; r < rows; r++) {
        float[] alone = new float[out];
        k.kernel().multiply(w.matrix(), Arrays.copyOfRange(x, r * cols, (r + 1) * cols), alone, 1);
        for (int o = 0; o < out; o++) {
          if (Float.floatToRawIntBits(alone[o]) != Float.floatToRawIntBits(y[r * out + o])) {
            fail(k + " " + type + ", row " + r + " of " + rows + ", output " + o + ": " + y[r * out + o]
                + " in the batch, " + alone[o] + " alone");
          }
        }
      }
    }
  }
}
