package dev.alibi4j.engine.kernel;

import dev.alibi4j.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;

/**
 * The arithmetic a decode step runs outside libtorch: a weight matrix times a few activation
 * rows, weights widened to float32 for libtorch's large products, and the MLP's activations.
 * Implementations are thread-safe.
 */
public interface Kernel {

  /** Most activation rows one {@link #multiply} call takes. */
  int MAX_ROWS = 32;

  /**
   * {@code y[r][o] = Σ_i w[o][i] · x[r][i]} for {@code r < rows}, reading each weight once for all
   * rows. Accumulates in float32.
   *
   * @param x {@code [rows, w.cols()]} row-major
   * @param y {@code [rows, w.rows()]} row-major, overwritten
   * @param rows 1 to {@value #MAX_ROWS}
   */
  void multiply(WeightMatrix w, float[] x, float[] y, int rows);

  /**
   * Rows {@code [start, end)} of {@code w} as float32, row-major, into {@code dst}
   * (little-endian, at least {@code (end - start) * w.cols() * 4} bytes).
   */
  void widen(WeightMatrix w, int start, int end, MemorySegment dst);

  /**
   * BLOOM's GELU in place on {@code x[from, from + n)}: {@code 0.5 x (1 + tanh(0.79788456 x (1 +
   * 0.044715 x²)))}.
   */
  void geluTanh(float[] x, int from, int n);

  /** Exact GELU in place: {@code 0.5 x (1 + erf(x / √2))}. */
  void geluExact(float[] x, int from, int n);

  /**
   * The sum of the float32 values in {@code floats} (little-endian), read the way {@link
   * #multiply} reads weights: the kernel's own streaming-read speed, which is the ceiling a decode
   * step is measured against.
   */
  double streamSum(MemorySegment floats);

  /** A short name for logs and benchmarks: {@code vector-512}, {@code torch}. */
  String name();
}
