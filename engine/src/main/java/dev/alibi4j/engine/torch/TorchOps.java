package dev.alibi4j.engine.torch;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Slicing through libtorch directly. DJL's generic {@code NDIndex} path parses the index and
 * builds it in several native calls (about 40 to 60 µs per slice or slice assignment on the
 * 2-core machine); one narrow or one slice copy costs 6 to 25 µs. A decode step slices a few
 * times per layer, so this is worth a few milliseconds per token.
 */
public final class TorchOps {

  private TorchOps() {}

  /** A view of {@code a} restricted to {@code [start, end)} along {@code axis}. */
  public static NDArray slice(NDArray a, int axis, long start, long end) {
    return JniUtils.slice(pt(a), axis, start, end, 1);
  }

  /**
   * Copies {@code value} into {@code target[..., start:end, ...]} along {@code axis}, in place;
   * {@code value}'s shape must equal that region's.
   */
  public static void setSlice(NDArray target, int axis, long start, long end, NDArray value) {
    long[] shape = target.getShape().getShape();
    long[] min = new long[shape.length];
    long[] max = shape.clone();
    long[] step = new long[shape.length];
    java.util.Arrays.fill(step, 1);
    min[axis] = start;
    max[axis] = end;
    JniUtils.indexSet(pt(target), pt(value), min, max, step);
  }

  private static PtNDArray pt(NDArray a) {
    if (a instanceof PtNDArray p) {
      return p;
    }
    throw new IllegalArgumentException("expected an array of DJL's PyTorch engine, got " + a.getClass().getName());
  }
}
