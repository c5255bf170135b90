package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

  static TransformerConfig config(int hidden, int heads) {
    return new TransformerConfig(
        100, hidden, heads, 2, 4 * hidden, 1e-5, QkvLayout.CONTIGUOUS, Activation.GELU_EXACT,
        false, false, SlopeScheme.MPT, 8, Double.NaN, 1.0 / Math.sqrt(hidden / heads), 1.0);
  }

  @Test
  void headDimIsHiddenOverHeads() {
    assertEquals(8, config(48, 6).headDim());
  }

  @Test
  void rejectsHiddenNotDivisibleByHeads() {
    var e = assertThrows(IllegalArgumentException.class, () -> config(50, 6));
    assertTrue(e.getMessage().contains("numHeads 6"), e.getMessage());
  }
}
