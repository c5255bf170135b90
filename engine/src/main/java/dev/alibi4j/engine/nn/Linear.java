package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.kernel.Kernel;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.engine.torch.TorchOps;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * {@code y = x Wᵀ + b} with W {@code [out, in]} in any {@link WeightType}; inputs, outputs and
 * the bias are float32.
 *
 * <p>Two ways in. {@link #multiply} takes a few rows as Java arrays and runs the {@link Kernel}
 * (a decode step: each weight byte read once). {@link #forward} takes an NDArray of any number of
 * rows (prefill, training) and runs libtorch's float32 GEMM; weights stored in another type are
 * widened to float32 a slice of at most {@link #DEFAULT_SLICE_ELEMENTS} at a time, so resident
 * memory stays at the stored size. A few rows given as an NDArray (the head on a prompt's last
 * position) go to the kernel too: widening a whole matrix for one row costs more than reading it.
 */
public final class Linear {

  /** 16 Mi elements: a 64 MiB float32 slice, enough for any layer of a 560M model in one go. */
  public static final long DEFAULT_SLICE_ELEMENTS = 16L << 20;

  /** Rows up to which {@link #forward} uses the kernel on weight bytes rather than a GEMM. */
  static final int KERNEL_ROWS = 4;

  private final WeightMatrix weight; // [out, in]
  private final NDArray bias; // [out] float32, or null
  private final float[] biasValues; // [out], or null
  private final Kernel kernel;
  private final long sliceRows;

  /**
   * @param weight {@code [out, in]}
   * @param bias {@code [out]} FLOAT32, or null
   * @param kernel runs {@link #multiply} (and small {@link #forward} calls on weight bytes)
   */
  public Linear(WeightMatrix weight, NDArray bias, Kernel kernel) {
    this(weight, bias, kernel, DEFAULT_SLICE_ELEMENTS);
  }

  /** @param sliceElements most weight elements widened to float32 at once */
  public Linear(WeightMatrix weight, NDArray bias, Kernel kernel, long sliceElements) {
    if (bias != null && bias.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("linear bias must be FLOAT32, got " + bias.getDataType().name());
    }
    if (bias != null && bias.size() != weight.rows()) {
      throw new IllegalArgumentException(
          "linear bias has " + bias.size() + " values for " + weight.rows() + " outputs");
    }
    this.weight = weight;
    this.bias = bias;
    this.biasValues = bias == null ? null : bias.toFloatArray();
    this.kernel = kernel;
    this.sliceRows = Math.max(1, sliceElements / weight.cols());
  }

  /** The weight, {@code [out, in]}. */
  public WeightMatrix weight() {
    return weight;
  }

  /** Input features. */
  public int in() {
    return weight.cols();
  }

  /** Output features. */
  public int out() {
    return weight.rows();
  }

  /**
   * {@code y[r] = W x[r] + b} for {@code rows} rows through the kernel.
   *
   * @param x {@code [rows, in]} row-major
   * @param y {@code [rows, out]} row-major, overwritten
   */
  public void multiply(float[] x, float[] y, int rows) {
    kernel.multiply(weight, x, y, rows);
    if (biasValues != null) {
      int out = weight.rows();
      for (int r = 0; r < rows; r++) {
        for (int o = 0; o < out; o++) {
          y[r * out + o] += biasValues[o];
        }
      }
    }
  }

  /** {@code [..., in]} float32 to {@code [..., out]} float32. */
  public NDArray forward(NDArray x) {
    if (!weight.hasBytes()) {
      return arrayProduct(x);
    }
    long rows = x.size() / weight.cols();
    return rows <= KERNEL_ROWS ? kernelProduct(x, (int) rows) : widenedProduct(x);
  }

  /** Weights that live in libtorch (a trainer's): differentiable, nothing written in place. */
  private NDArray arrayProduct(NDArray x) {
    NDArray w = weight.array();
    if (w.getDataType() == DataType.FLOAT32) {
      return ai.djl.nn.core.Linear.linear(x, w, bias).singletonOrThrow();
    }
    try (NDArray wide = w.toType(DataType.FLOAT32, false)) { // [out, in]
      return ai.djl.nn.core.Linear.linear(x, wide, bias).singletonOrThrow();
    }
  }

  private NDArray kernelProduct(NDArray x, int rows) {
    float[] in = new float[rows * weight.cols()];
    x.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer().get(in);
    float[] out = new float[rows * weight.rows()];
    multiply(in, out, rows);
    Shape shape = x.getShape().slice(0, x.getShape().dimension() - 1).add(weight.rows()); // [..., out]
    return x.getManager().create(FloatBuffer.wrap(out), shape);
  }

  /** Float32 GEMMs over slices of the weight's rows, one slice widened at a time. */
  private NDArray widenedProduct(NDArray x) {
    int out = weight.rows();
    NDManager manager = x.getManager();
    NDList parts = new NDList();
    for (int start = 0; start < out; start += (int) sliceRows) {
      int end = (int) Math.min(out, start + sliceRows);
      try (NDArray rows = floatRows(manager, start, end)) { // [rows, in] float32
        NDArray sliceBias = bias == null ? null : TorchOps.slice(bias, 0, start, end); // [rows]
        parts.add(ai.djl.nn.core.Linear.linear(x, rows, sliceBias).singletonOrThrow()); // [..., rows]
      }
    }
    return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, -1); // [..., out]
  }

  /**
   * Rows {@code [start, end)} as a float32 array: float32 bytes are shared with libtorch as they
   * are; float16 bytes are shared as a float16 array that libtorch widens (its multi-threaded
   * F16C conversion made a 128-token prefill about 5% faster than the kernel's widening); other
   * types are widened by the kernel into memory libtorch allocates.
   */
  private NDArray floatRows(NDManager manager, int start, int end) {
    Shape shape = new Shape(end - start, weight.cols());
    MemorySegment bytes = weight.data().asSlice(start * weight.rowBytes(), (end - start) * weight.rowBytes());
    if (weight.type() == WeightType.F32) {
      return manager.create(bytes.asByteBuffer(), shape, DataType.FLOAT32); // shares the bytes
    }
    if (weight.type() == WeightType.F16) {
      try (NDArray half = manager.create(bytes.asByteBuffer(), shape, DataType.FLOAT16)) { // shares the bytes
        return half.toType(DataType.FLOAT32, false);
      }
    }
    NDArray wide = manager.create(shape, DataType.FLOAT32); // uninitialised
    kernel.widen(weight, start, end, MemorySegment.ofBuffer(wide.toByteBuffer(true)));
    return wide;
  }
}
