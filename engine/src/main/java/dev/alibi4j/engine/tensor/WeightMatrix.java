package dev.alibi4j.engine.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix {@code [rows, cols]} in PyTorch {@code nn.Linear} layout (one row per output
 * feature), held in one of two ways:
 *
 * <ul>
 *   <li><b>bytes</b>: row-major in its {@link WeightType}, in a {@link MemorySegment}: a view of
 *       the memory-mapped checkpoint (no copy) or of a converted or quantized copy. The fast
 *       kernels read these.
 *   <li><b>an NDArray</b> (FLOAT32 or FLOAT16): weights that live in libtorch, such as those a
 *       trainer updates in place. Only libtorch reads these.
 * </ul>
 *
 * The owner of the segment or array (a checkpoint, a trainer) frees it; this is a view.
 */
public final class WeightMatrix {

  private final WeightType type;
  private final int rows;
  private final int cols;
  private final MemorySegment data; // rows * rowBytes; null for an NDArray matrix
  private final NDArray array; // [rows, cols]; null for a bytes matrix

  private WeightMatrix(WeightType type, int rows, int cols, MemorySegment data, NDArray array) {
    if (rows < 1 || cols < 1) {
      throw new IllegalArgumentException("a weight matrix needs rows and columns, got " + rows + " x " + cols);
    }
    this.type = type;
    this.rows = rows;
    this.cols = cols;
    this.data = data;
    this.array = array;
  }

  /**
   * A matrix over {@code data}, which holds exactly {@code rows} rows of {@code cols} weights of
   * {@code type}.
   *
   * @throws IllegalArgumentException when the sizes disagree
   */
  public static WeightMatrix of(MemorySegment data, WeightType type, int rows, int cols) {
    long expected = type.rowBytes(cols) * rows;
    if (data.byteSize() != expected) {
      throw new IllegalArgumentException(
          "a " + type.cliName() + " matrix of " + rows + " x " + cols + " takes " + expected
              + " bytes, the segment has " + data.byteSize());
    }
    return new WeightMatrix(type, rows, cols, data, null);
  }

  /**
   * A matrix over a libtorch array {@code [rows, cols]} of FLOAT32 or FLOAT16.
   *
   * @throws IllegalArgumentException for another shape or type
   */
  public static WeightMatrix of(NDArray array) {
    if (array.getShape().dimension() != 2) {
      throw new IllegalArgumentException("a weight matrix must be 2-D, got shape " + array.getShape());
    }
    WeightType type = switch (array.getDataType()) {
      case FLOAT32 -> WeightType.F32;
      case FLOAT16 -> WeightType.F16;
      default -> throw new IllegalArgumentException(
          "a weight array must be FLOAT32 or FLOAT16, got " + array.getDataType());
    };
    return new WeightMatrix(
        type, Math.toIntExact(array.getShape().get(0)), Math.toIntExact(array.getShape().get(1)), null, array);
  }

  /** Storage type. */
  public WeightType type() {
    return type;
  }

  /** Output features. */
  public int rows() {
    return rows;
  }

  /** Input features. */
  public int cols() {
    return cols;
  }

  /** Whether the weights are bytes in a segment (else a libtorch array). */
  public boolean hasBytes() {
    return data != null;
  }

  /**
   * The bytes, row-major in {@link #type()}.
   *
   * @throws IllegalStateException for an NDArray matrix
   */
  public MemorySegment data() {
    if (data == null) {
      throw new IllegalStateException("this weight matrix lives in a libtorch array, not in bytes");
    }
    return data;
  }

  /** The libtorch array, or null for a bytes matrix. */
  public NDArray array() {
    return array;
  }

  /** Bytes of one row. */
  public long rowBytes() {
    return type.rowBytes(cols);
  }

  /** Bytes read by one pass over the matrix. */
  public long byteSize() {
    return rowBytes() * rows;
  }

  /** Row {@code row} widened to float32 into {@code dst[offset, offset + cols)}. */
  public void readRow(int row, float[] dst, int offset) {
    if (row < 0 || row >= rows) {
      throw new IndexOutOfBoundsException("row " + row + " of a matrix with " + rows + " rows");
    }
    if (data != null) {
      WeightRows.read(type, data, row * rowBytes(), cols, dst, offset);
    } else {
      try (NDArray r = array.get(row); NDArray wide = r.toType(DataType.FLOAT32, false)) {
        System.arraycopy(wide.toFloatArray(), 0, dst, offset, cols);
      }
    }
  }
}
