package dev.alibi4j.engine.kernel;

import dev.alibi4j.engine.reference.ReferenceBf16;
import dev.alibi4j.engine.reference.ReferenceQ8;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The kernels under test, and weight matrices whose bytes are written here from the formats'
 * definitions (not by the engine) together with the exact values those bytes hold.
 */
final class KernelFixtures {

  static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** A kernel with the name tests print. */
  record Named(String name, Kernel kernel) {
    @Override
    public String toString() {
      return name;
    }
  }

  /** A matrix and the exact value of every stored weight, row-major. */
  record Stored(WeightMatrix matrix, double[] values) {}

  /** Created once: a vector kernel's compute threads live as long as the JVM. */
  private static final class Vector {
    static final Kernel TWO = Kernels.vector(2);
    static final Kernel ONE = Kernels.vector(1);
  }

  private KernelFixtures() {}

  /** libtorch, and where the JVM has the Vector API, the vector kernel on 2 threads and on 1. */
  static List<Named> kernels() {
    List<Named> all = new ArrayList<>();
    all.add(new Named("torch", TorchKernel.INSTANCE));
    if (Kernels.vectorAvailable()) {
      all.add(new Named("vector x2", Vector.TWO));
      all.add(new Named("vector x1", Vector.ONE));
    }
    return all;
  }

  /** The shared vector kernel of 2 threads. */
  static Kernel vector2() {
    return Vector.TWO;
  }

  /**
   * Random weights stored as {@code type}. Rows differ in magnitude (so Q8_0 scales differ), a
   * few float16 weights are subnormal halves, and some rows start with a zero block.
   */
  static Stored random(WeightType type, int rows, int cols, long seed) {
    Random rnd = new Random(seed);
    long rowBytes = type.rowBytes(cols);
    MemorySegment data = Arena.ofAuto().allocate(rowBytes * rows);
    double[] values = new double[rows * cols];
    float[] raw = new float[cols];
    for (int o = 0; o < rows; o++) {
      double scale = Math.scalb(1.0, o % 9 - 4);
      for (int i = 0; i < cols; i++) {
        raw[i] = (float) (rnd.nextGaussian() * scale);
        if (i % 11 == 5) {
          raw[i] *= 1e-4f; // below 2^-14 for most rows: a subnormal half
        }
        if (o % 13 == 2 && i < 32) {
          raw[i] = 0;
        }
      }
      long at = o * rowBytes;
      switch (type) {
        case F32 -> {
          for (int i = 0; i < cols; i++) {
            data.set(FLOAT, at + 4L * i, raw[i]);
            values[o * cols + i] = raw[i];
          }
        }
        case F16 -> {
          for (int i = 0; i < cols; i++) {
            short h = Float.floatToFloat16(raw[i]);
            data.set(SHORT, at + 2L * i, h);
            values[o * cols + i] = ReferenceQ8.halfValue(h & 0xFFFF);
          }
        }
        case BF16 -> {
          for (int i = 0; i < cols; i++) {
            double r = ReferenceBf16.round(raw[i]); // 8 significant bits: exact as a float's top half
            data.set(SHORT, at + 2L * i, (short) (Float.floatToRawIntBits((float) r) >>> 16));
            values[o * cols + i] = r;
          }
        }
        case Q8_0 -> {
          for (int b = 0; b < cols / ReferenceQ8.BLOCK; b++) {
            MemorySegment.copy(MemorySegment.ofArray(ReferenceQ8.quantizeBlock(raw, b * ReferenceQ8.BLOCK)), 0,
                data, at + (long) b * ReferenceQ8.BLOCK_BYTES, ReferenceQ8.BLOCK_BYTES);
          }
          System.arraycopy(ReferenceQ8.dequantize(data, at, cols), 0, values, o * cols, cols);
        }
      }
    }
    return new Stored(WeightMatrix.of(data, type, rows, cols), values);
  }

  /**
   * The float64 product {@code [rows, w.rows()]} of the stored weights and {@code x}, and beside
   * it {@code Σ|w·x|} per output, the scale of float32's rounding error. Each product is exact (at
   * most 43 significant bits).
   */
  static double[][] reference(Stored w, float[] x, int rows) {
    int out = w.matrix().rows();
    int cols = w.matrix().cols();
    double[] exact = new double[rows * out];
    double[] magnitude = new double[rows * out];
    for (int r = 0; r < rows; r++) {
      for (int o = 0; o < out; o++) {
        for (int i = 0; i < cols; i++) {
          double p = w.values()[o * cols + i] * x[r * cols + i];
          exact[r * out + o] += p;
          magnitude[r * out + o] += Math.abs(p);
        }
      }
    }
    return new double[][] {exact, magnitude};
  }

  /** {@code n} standard normal floats. */
  static float[] gaussian(int n, long seed) {
    Random rnd = new Random(seed);
    float[] x = new float[n];
    for (int i = 0; i < n; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    return x;
  }
}
