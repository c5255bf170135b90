package dev.alibi4j.engine.kernel;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightRows;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The fallback: products through libtorch, other work in plain Java. Used when the JVM was
 * started without the Vector API module, and for weights that live in libtorch arrays.
 *
 * <p>float32 and float16 weights are handed to libtorch as they are (a float16 product of one row
 * runs in float16, as libtorch's CPU GEMV does: input and output rounded to half); bfloat16 and
 * Q8_0, which libtorch's CPU kernels do not take, are widened to float32 a slice at a time first,
 * which makes them slow here.
 */
public final class TorchKernel implements Kernel {

  /** The one instance: it keeps no state. */
  public static final TorchKernel INSTANCE = new TorchKernel();

  /** Weights widened at once for bfloat16 and Q8_0: 16 Mi elements, 64 MiB of float32. */
  static final long SLICE_ELEMENTS = 16L << 20;

  private static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private TorchKernel() {}

  @Override
  public void multiply(WeightMatrix w, float[] x, float[] y, int rows) {
    KernelChecks.multiply(w, x, y, rows);
    int cols = w.cols();
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      // One row at a time: libtorch's GEMM blocks (and rounds) by the number of rows, and a
      // sequence's result must not depend on the other sequences decoded with it.
      NDArray[] in = new NDArray[rows];
      for (int r = 0; r < rows; r++) {
        in[r] = m.create(FloatBuffer.wrap(x, r * cols, cols), new Shape(1, cols)); // [1, in]
      }
      NDArray direct = libtorchView(m, w);
      NDArray[] out = direct != null ? products(in, direct) : widenedProducts(m, in, w); // rows × [1, out]
      for (int r = 0; r < rows; r++) {
        out[r].toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(y, r * w.rows(), w.rows());
      }
    }
  }

  private static NDArray[] products(NDArray[] in, NDArray weight) {
    NDArray[] out = new NDArray[in.length];
    for (int r = 0; r < in.length; r++) {
      out[r] = product(in[r], weight);
    }
    return out;
  }

  /** The weights as a libtorch array without copying, or null when libtorch cannot hold them. */
  private static NDArray libtorchView(NDManager m, WeightMatrix w) {
    if (w.array() != null) {
      return w.array();
    }
    boolean native16or32 = w.type() == WeightType.F32 || w.type() == WeightType.F16;
    if (!native16or32 || w.byteSize() > Integer.MAX_VALUE) {
      return null;
    }
    DataType type = w.type() == WeightType.F32 ? DataType.FLOAT32 : DataType.FLOAT16;
    return m.create(w.data().asByteBuffer(), new Shape(w.rows(), w.cols()), type); // [out, in], shares the bytes
  }

  /** One row in float16 runs libtorch's float16 GEMV; anything else runs in float32. */
  private static NDArray product(NDArray in, NDArray weight) {
    if (weight.getDataType() == DataType.FLOAT16 && in.getShape().get(0) == 1) {
      NDArray half = in.toType(DataType.FLOAT16, false);
      return ai.djl.nn.core.Linear.linear(half, weight, null).singletonOrThrow().toType(DataType.FLOAT32, false);
    }
    NDArray wide = weight.getDataType() == DataType.FLOAT32 ? weight : weight.toType(DataType.FLOAT32, false);
    return ai.djl.nn.core.Linear.linear(in, wide, null).singletonOrThrow();
  }

  /** Each row times {@code w}, widened to float32 a slice of rows at a time (once for all rows). */
  private NDArray[] widenedProducts(NDManager m, NDArray[] in, WeightMatrix w) {
    int sliceRows = (int) Math.max(1, Math.min(w.rows(), SLICE_ELEMENTS / w.cols()));
    NDArray[] out = new NDArray[in.length];
    for (int r = 0; r < in.length; r++) {
      out[r] = m.create(new Shape(1, w.rows()), DataType.FLOAT32); // [1, out]
    }
    for (int start = 0; start < w.rows(); start += sliceRows) {
      int end = Math.min(w.rows(), start + sliceRows);
      try (NDManager slice = m.newSubManager()) {
        NDArray wide = slice.create(new Shape(end - start, w.cols()), DataType.FLOAT32); // [slice, in]
        widen(w, start, end, MemorySegment.ofBuffer(wide.toByteBuffer(true)));
        for (int r = 0; r < in.length; r++) {
          NDArray part = ai.djl.nn.core.Linear.linear(in[r], wide, null).singletonOrThrow(); // [1, slice]
          out[r].set(new ai.djl.ndarray.index.NDIndex(":, {}:{}", start, end), part);
        }
      }
    }
    return out;
  }

  @Override
  public void widen(WeightMatrix w, int start, int end, MemorySegment dst) {
    KernelChecks.widen(w, start, end, dst);
    int cols = w.cols();
    float[] row = new float[cols];
    for (int r = start; r < end; r++) {
      w.readRow(r, row, 0);
      MemorySegment.copy(row, 0, dst, FLOAT, (long) (r - start) * cols * 4, cols);
    }
  }

  @Override
  public void geluTanh(float[] x, int from, int n) {
    for (int i = from; i < from + n; i++) {
      x[i] = Gelu.tanhForm(x[i]);
    }
  }

  @Override
  public void geluExact(float[] x, int from, int n) {
    for (int i = from; i < from + n; i++) {
      x[i] = Gelu.exact(x[i]);
    }
  }

  @Override
  public double streamSum(MemorySegment floats) {
    long chunk = 1L << 30; // libtorch takes at most a 2 GiB buffer at once
    double total = 0;
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      for (long at = 0; at < floats.byteSize(); at += chunk) {
        MemorySegment part = floats.asSlice(at, Math.min(chunk, floats.byteSize() - at) / 4 * 4);
        try (NDArray a = m.create(part.asByteBuffer(), new Shape(part.byteSize() / 4), DataType.FLOAT32);
            NDArray sum = a.sum()) {
          total += sum.getFloat();
        }
      }
    }
    return total;
  }

  @Override
  public String name() {
    return "torch";
  }
}
