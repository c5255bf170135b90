package dev.alibi4j.engine.bias;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AlibiMaskTest {

  private static final double[] SLOPES = {0.5, 0.25, 0.125};

  /** mask[h][i][j] relative to mask[h][i][0] is slope * j when visible; masked entries hold the fill. */
  private static void assertMask(NDArray mask, int start, float fill) {
    Shape shape = mask.getShape();
    int heads = (int) shape.get(0);
    int q = (int) shape.get(1);
    int kv = (int) shape.get(2);
    float[] v = mask.toFloatArray();
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < q; i++) {
        for (int j = 0; j < kv; j++) {
          float got = v[(h * q + i) * kv + j];
          if (j <= start + i) {
            assertEquals(SLOPES[h] * j, got, 1e-4, "h" + h + " i" + i + " j" + j);
          } else {
            assertEquals(fill, got, Math.ulp(fill) * 2, "masked h" + h + " i" + i + " j" + j);
            assertFalse(Float.isInfinite(got));
          }
        }
      }
    }
  }

  @Test
  void prefillMaskIsBiasPlusCausal() {
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        AlibiMask mask = new AlibiMask(m, SLOPES, DataType.FLOAT32)) {
      NDArray full = mask.forQueries(0, 9);
      assertEquals(new Shape(3, 9, 9), full.getShape());
      assertMask(full, 0, -Float.MAX_VALUE);
      NDArray chunk = mask.forQueries(5, 4); // a second prefill chunk after 5 cached positions
      assertEquals(new Shape(3, 4, 9), chunk.getShape());
      assertMask(chunk, 5, -Float.MAX_VALUE);
    }
  }

  @Test
  void decodeUsesTheLastRowOnly() {
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        AlibiMask mask = new AlibiMask(m, SLOPES, DataType.FLOAT32)) {
      NDArray row = mask.forQueries(12, 1);
      assertEquals(new Shape(3, 1, 13), row.getShape());
      NDArray full = mask.forQueries(0, 13);
      float[] last = full.get(":, 12:13, :").toFloatArray();
      float[] got = row.toFloatArray();
      for (int i = 0; i < got.length; i++) {
        assertEquals(last[i], got[i], 0f);
      }
    }
  }

  @Test
  void growsBeyondItsInitialCapacity() {
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        AlibiMask mask = new AlibiMask(m, SLOPES, DataType.FLOAT32)) {
      NDArray far = mask.forQueries(598, 3);
      assertEquals(new Shape(3, 3, 601), far.getShape());
      assertMask(far, 598, -Float.MAX_VALUE);
    }
  }

  @Test
  void halfPrecisionFillIsFiniteMinimum() {
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        AlibiMask mask = new AlibiMask(m, SLOPES, DataType.FLOAT16)) {
      assertEquals(-65504f, mask.fill());
    }
  }

  @Test
  void rejectsBadRange() {
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        AlibiMask mask = new AlibiMask(m, SLOPES, DataType.FLOAT32)) {
      assertThrows(IllegalArgumentException.class, () -> mask.forQueries(-1, 2));
      assertThrows(IllegalArgumentException.class, () -> mask.forQueries(0, 0));
    }
  }
}
