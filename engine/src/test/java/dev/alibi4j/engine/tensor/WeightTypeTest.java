package dev.alibi4j.engine.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Names on the command line, and row sizes. */
class WeightTypeTest {

  @Test
  void parsesTheDocumentedNames() {
    assertEquals(WeightType.F32, WeightType.parse("f32"));
    assertEquals(WeightType.F16, WeightType.parse("F16"));
    assertEquals(WeightType.BF16, WeightType.parse("bf16"));
    assertEquals(WeightType.BF16, WeightType.parse("BF16"));
    assertEquals(WeightType.Q8_0, WeightType.parse("q8_0"));
    assertEquals(WeightType.Q8_0, WeightType.parse("Q8-0"));
    assertEquals(WeightType.Q8_0, WeightType.parse("q80"));
  }

  @Test
  void unknownNameListsTheAcceptedOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightType.parse("f64"));
    assertEquals("unknown weight type 'f64': expected one of f32, f16, bf16, q8_0", e.getMessage());
    assertEquals("f32, f16, bf16, q8_0", WeightType.names());
  }

  @Test
  void rowBytes() {
    assertEquals(4 * 7, WeightType.F32.rowBytes(7));
    assertEquals(2 * 7, WeightType.F16.rowBytes(7));
    assertEquals(2 * 7, WeightType.BF16.rowBytes(7));
    assertEquals(34 * 3, WeightType.Q8_0.rowBytes(96));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WeightType.Q8_0.rowBytes(24));
    assertTrue(e.getMessage().contains("24"), e.getMessage());
  }

  /** Q8_0 rows that do not divide into blocks are kept in float32, as llama.cpp does. */
  @Test
  void storageFallsBackToF32() {
    assertFalse(WeightType.Q8_0.fits(24));
    assertEquals(WeightType.F32, WeightType.Q8_0.storageFor(24));
    assertEquals(WeightType.Q8_0, WeightType.Q8_0.storageFor(64));
    assertEquals(WeightType.BF16, WeightType.BF16.storageFor(7));
  }
}
