package dev.alibi4j.engine.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

/**
 * {@code y = x W^T + b} with W in PyTorch layout {@code [out, in]}; bias optional. Inputs and
 * outputs are float32 whatever the weight's type.
 *
 * <p>Float16 weights halve the bytes a decode step reads, but libtorch's CPU kernels for them are
 * only fast for a matrix-vector product. So a single input row runs in float16 (libtorch's GEMV
 * accumulates in float32; the input and output are rounded to float16), while several rows (a
 * prefill) widen the weight to float32 in slices of at most {@link #DEFAULT_SLICE_ELEMENTS}
 * elements and run float32 GEMMs: float16 matrix products are about 100 times slower. The widened
 * slices are temporaries, so resident memory stays at the float16 size.
 */
public final class Linear {

  /**
   * Row blocks a matrix-vector product is split into. libtorch's float32 GEMV reads at about one
   * core's share of memory bandwidth; as a batched product over two row blocks both cores read
   * (bloom-560m shapes, 2 threads: 12.0 to 15.6 GB/s alone, 13 to 16 GB/s inside decode steps).
   * The float16 kernel is compute-bound (it widens every element) at 9.7 to 12.4 GB/s either way,
   * so float16 weights use one plain call.
   */
  static final int VECTOR_PARTS = 2;

  /** 16 Mi elements: a 64 MiB float32 slice, enough for any layer of a 560M model in one go. */
  public static final long DEFAULT_SLICE_ELEMENTS = 16L << 20;

  private final NDArray weight; // [out, in]
  private final NDArray bias; // [out] float32, or null
  private final NDArray blocks; // [parts, in, out / parts]: float32 row blocks, transposed views; or null
  private final NDArray halfBias; // [out] float16 (float16 weights only), or null
  private final boolean half;
  private final long sliceRows;

  public Linear(NDArray weight, NDArray bias) {
    this(weight, bias, DEFAULT_SLICE_ELEMENTS);
  }

  /**
   * @param weight {@code [out, in]}, FLOAT32 or FLOAT16
   * @param bias {@code [out]} FLOAT32, or null
   * @param sliceElements most weight elements widened to float32 at once (float16 weights only)
   */
  public Linear(NDArray weight, NDArray bias, long sliceElements) {
    DataType type = weight.getDataType();
    if (type != DataType.FLOAT32 && type != DataType.FLOAT16) {
      throw new IllegalArgumentException("linear weight must be FLOAT32 or FLOAT16, got " + type.name());
    }
    if (bias != null && bias.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException("linear bias must be FLOAT32, got " + bias.getDataType().name());
    }
    this.weight = weight;
    this.bias = bias;
    this.half = type == DataType.FLOAT16;
    long in = weight.getShape().get(1);
    this.sliceRows = Math.max(1, sliceElements / in);
    long out = weight.getShape().get(0);
    this.halfBias = half && bias != null ? bias.toType(DataType.FLOAT16, false) : null;
    this.blocks = half || out % VECTOR_PARTS != 0
        ? null
        : weight.reshape(VECTOR_PARTS, out / VECTOR_PARTS, in).transpose(0, 2, 1); // [parts, in, out / parts]
  }

  /** The weight, {@code [out, in]}. */
  public NDArray weight() {
    return weight;
  }

  /** {@code [..., in]} float32 to {@code [..., out]} float32. */
  public NDArray forward(NDArray x) {
    if (x.size() == weight.getShape().get(1)) {
      return vectorProduct(x);
    }
    return half ? widenedProduct(x) : ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
  }

  /**
   * One row, in the weight's type: a float16 product accumulates in float32, with its input and
   * output rounded to float16.
   */
  private NDArray vectorProduct(NDArray x) {
    if (half) {
      // One call: libtorch's float16 GEMV is compute-bound (it widens every element), so
      // splitting it gains nothing; the bias is added inside, in float16 like the product.
      try (NDArray x16 = x.toType(DataType.FLOAT16, false);
          NDArray y16 = ai.djl.nn.core.Linear.linear(x16, weight, halfBias).singletonOrThrow()) {
        return y16.toType(DataType.FLOAT32, false); // [..., out]
      }
    }
    if (blocks == null) { // an odd row count: no even split
      return ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
    }
    NDArray y;
    try (NDArray row = x.reshape(1, 1, x.size()); // [1, 1, in]
        NDArray parts = row.matMul(blocks)) { // [parts, 1, out / parts]
      y = parts.reshape(x.getShape().slice(0, x.getShape().dimension() - 1).add(weight.getShape().get(0))); // [..., out]
    }
    return bias == null ? y : y.addi(bias);
  }

  /** Several rows: float32 GEMMs over widened slices of the weight's rows, one slice resident at a time. */
  private NDArray widenedProduct(NDArray x) {
    long out = weight.getShape().get(0);
    NDList parts = new NDList();
    for (long start = 0; start < out; start += sliceRows) {
      long end = Math.min(out, start + sliceRows);
      try (NDArray rows = TorchOps.slice(weight, 0, start, end); // [rows, in] float16 view
          NDArray wide = rows.toType(DataType.FLOAT32, false)) { // [rows, in]
        NDArray sliceBias = bias == null ? null : TorchOps.slice(bias, 0, start, end); // [rows]
        parts.add(ai.djl.nn.core.Linear.linear(x, wide, sliceBias).singletonOrThrow()); // [..., rows]
      }
    }
    return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, -1); // [..., out]
  }
}
