package dev.alibi4j.engine.kernel.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alibi4j.engine.kernel.Kernels;
import org.junit.jupiter.api.Test;

/**
 * The build runs the kernel tests once per width with {@value Dots#BITS_PROPERTY} set (see
 * engine/pom.xml); this checks that a run really has the width it was asked for.
 */
class VectorWidthTest {

  @Test
  void widthIsTheRequestedOne() {
    assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
    String requested = System.getProperty(Dots.BITS_PROPERTY);
    int bits = VectorKernel.vectorBits();
    if (requested != null) {
      assertEquals(Integer.parseInt(requested.trim()), bits);
    } else {
      assertTrue(bits == 256 || bits == 512, "width " + bits);
    }
    assertEquals(bits / 32, Dots.L);
    assertEquals(bits, Dots.F.vectorBitSize());
    assertEquals("vector-" + bits, Kernels.vector(1).name());
  }
}
