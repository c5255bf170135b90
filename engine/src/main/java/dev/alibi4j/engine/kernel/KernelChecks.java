package dev.alibi4j.engine.kernel;

import dev.alibi4j.engine.tensor.WeightMatrix;
import java.lang.foreign.MemorySegment;

/** Argument checks every kernel shares: a bad size must fail here, not read out of bounds. */
public final class KernelChecks {

  private KernelChecks() {}

  /** Checks a {@link Kernel#multiply} call. */
  public static void multiply(WeightMatrix w, float[] x, float[] y, int rows) {
    if (rows < 1 || rows > Kernel.MAX_ROWS) {
      throw new IllegalArgumentException(
          "a kernel multiplies 1 to " + Kernel.MAX_ROWS + " rows, got " + rows);
    }
    if (x.length < (long) rows * w.cols()) {
      throw new IllegalArgumentException(
          "input holds " + x.length + " floats, " + rows + " rows of " + w.cols() + " need more");
    }
    if (y.length < (long) rows * w.rows()) {
      throw new IllegalArgumentException(
          "output holds " + y.length + " floats, " + rows + " rows of " + w.rows() + " need more");
    }
  }

  /** Checks a {@link Kernel#widen} call. */
  public static void widen(WeightMatrix w, int start, int end, MemorySegment dst) {
    if (start < 0 || end > w.rows() || start >= end) {
      throw new IllegalArgumentException(
          "rows [" + start + ", " + end + ") of a matrix with " + w.rows() + " rows");
    }
    long needed = (long) (end - start) * w.cols() * Float.BYTES;
    if (dst.byteSize() < needed) {
      throw new IllegalArgumentException("widening needs " + needed + " bytes, the target has " + dst.byteSize());
    }
  }
}
