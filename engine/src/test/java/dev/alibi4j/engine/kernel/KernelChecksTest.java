package dev.alibi4j.engine.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.kernel.KernelFixtures.Named;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad sizes fail with IllegalArgumentException before any kernel reads out of bounds. */
class KernelChecksTest {

  static Stream<Named> kernels() {
    return KernelFixtures.kernels().stream();
  }

  /** 3 outputs of 40 inputs. */
  static final WeightMatrix W = KernelFixtures.random(WeightType.F32, 3, 40, 1).matrix();

  static void rejects(Executable call, String messagePart) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(messagePart), e.getMessage());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void multiplyRejectsBadRowsAndShortArrays(Named k) {
    Kernel kernel = k.kernel();
    rejects(() -> kernel.multiply(W, new float[40], new float[3], 0), "1 to 32 rows, got 0");
    rejects(() -> kernel.multiply(W, new float[33 * 40], new float[33 * 3], 33), "1 to 32 rows, got 33");
    rejects(() -> kernel.multiply(W, new float[2 * 40 - 1], new float[2 * 3], 2), "input holds 79 floats");
    rejects(() -> kernel.multiply(W, new float[2 * 40], new float[2 * 3 - 1], 2), "output holds 5 floats");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kernels")
  void widenRejectsBadRangesAndShortTargets(Named k) {
    Kernel kernel = k.kernel();
    MemorySegment dst = Arena.ofAuto().allocate(3 * 40 * 4);
    rejects(() -> kernel.widen(W, -1, 2, dst), "rows [-1, 2)");
    rejects(() -> kernel.widen(W, 0, 4, dst), "rows [0, 4)");
    rejects(() -> kernel.widen(W, 2, 2, dst), "rows [2, 2)");
    rejects(() -> kernel.widen(W, 0, 3, dst.asSlice(0, 3 * 40 * 4 - 1)), "widening needs 480 bytes");
  }
}
