package dev.alibi4j.engine.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.reference.ReferenceHalf;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Linear} against a float64 matrix product, for float32 and float16 weights. */
class LinearTest {

  static final int OUT = 10;
  static final int IN = 7;

  final Random random = new Random(5);
  final double[][] w = new double[OUT][IN];
  final double[] b = new double[OUT];

  LinearTest() {
    for (int o = 0; o < OUT; o++) {
      for (int i = 0; i < IN; i++) {
        w[o][i] = ReferenceHalf.round(random.nextGaussian());
      }
      b[o] = random.nextGaussian();
    }
  }

  double[][] expected(double[][] x) {
    double[][] y = new double[x.length][OUT];
    for (int r = 0; r < x.length; r++) {
      for (int o = 0; o < OUT; o++) {
        double sum = b[o];
        for (int i = 0; i < IN; i++) {
          sum += w[o][i] * x[r][i];
        }
        y[r][o] = sum;
      }
    }
    return y;
  }

  double[][] input(int rows) {
    double[][] x = new double[rows][IN];
    for (double[] row : x) {
      for (int i = 0; i < IN; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return x;
  }

  static NDArray nd(NDManager m, double[][] v) {
    float[] flat = new float[v.length * v[0].length];
    for (int r = 0; r < v.length; r++) {
      for (int c = 0; c < v[0].length; c++) {
        flat[r * v[0].length + c] = (float) v[r][c];
      }
    }
    return m.create(flat, new Shape(v.length, v[0].length));
  }

  static NDArray nd(NDManager m, double[] v) {
    float[] f = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      f[i] = (float) v[i];
    }
    return m.create(f);
  }

  static double maxDiff(double[][] expected, NDArray actual) {
    float[] a = actual.toFloatArray();
    assertEquals(expected.length * OUT, a.length, "output size");
    double max = 0;
    for (int r = 0; r < expected.length; r++) {
      for (int o = 0; o < OUT; o++) {
        max = Math.max(max, Math.abs(expected[r][o] - a[r * OUT + o]));
      }
    }
    return max;
  }

  @Test
  void halfWeightsOverSeveralRowsAreWidenedExactlyInEverySliceSize() {
    double[][] x = input(5);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray weight = nd(m, w).toType(DataType.FLOAT16, false);
      NDArray bias = nd(m, b);
      // 3 rows per slice: slices of 3, 3, 3 and 1 rows; 70 elements: one slice.
      for (long sliceElements : new long[] {1, 3 * IN, 3 * IN + 2, OUT * IN}) {
        NDArray y = new Linear(weight, bias, sliceElements).forward(nd(m, x).reshape(1, 5, IN));
        assertEquals(new Shape(1, 5, OUT), y.getShape());
        assertEquals(DataType.FLOAT32, y.getDataType());
        double diff = maxDiff(expected(x), y);
        assertTrue(diff < 1e-5, "slice " + sliceElements + ": |Δ| = " + diff);
      }
    }
  }

  @Test
  void halfWeightsOnOneRowStayWithinTwoHalfRoundings() {
    double[][] x = input(1);
    double[][] y = expected(x);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray weight = nd(m, w).toType(DataType.FLOAT16, false);
      NDArray out = new Linear(weight, nd(m, b)).forward(nd(m, x).reshape(1, 1, IN));
      assertEquals(new Shape(1, 1, OUT), out.getShape());
      assertEquals(DataType.FLOAT32, out.getDataType());
      float[] a = out.toFloatArray();
      for (int o = 0; o < OUT; o++) {
        // Input rounding moves each term by ≤ u|w x|, bias rounding by ≤ u|b|, output rounding by ≤ u|y|.
        double terms = 0;
        for (int i = 0; i < IN; i++) {
          terms += Math.abs(w[o][i] * x[0][i]);
        }
        double bound = ReferenceHalf.UNIT_ROUNDOFF * (terms + Math.abs(b[o]) + Math.abs(y[0][o])) + 1e-6;
        double diff = Math.abs(y[0][o] - a[o]);
        assertTrue(diff <= bound, "output " + o + ": |Δ| = " + diff + " > " + bound);
      }
    }
  }

  @Test
  void floatWeightsMatchExactly() {
    double[][] x = input(3);
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray y = new Linear(nd(m, w), nd(m, b)).forward(nd(m, x));
      assertTrue(maxDiff(expected(x), y) < 1e-5);
    }
  }

  @Test
  void rejectsOtherTypesNamingThem() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray ints = m.zeros(new Shape(OUT, IN), DataType.INT32);
      var e = assertThrows(IllegalArgumentException.class, () -> new Linear(ints, null));
      assertTrue(e.getMessage().contains("INT32"), e.getMessage());
      NDArray halfBias = m.zeros(new Shape(OUT), DataType.FLOAT16);
      var e2 = assertThrows(IllegalArgumentException.class,
          () -> new Linear(m.zeros(new Shape(OUT, IN)), halfBias));
      assertTrue(e2.getMessage().contains("bias"), e2.getMessage());
    }
  }
}
