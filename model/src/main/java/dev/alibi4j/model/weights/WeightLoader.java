package dev.alibi4j.model.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightRows;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.CheckpointException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Loads named weights from a checkpoint, checking every shape: vectors (norms, biases) as float32
 * arrays of one manager, matrices as {@link WeightMatrix} bytes in the requested {@link
 * WeightType}.
 *
 * <p>A matrix already stored in that type is the checkpoint's own bytes, mapped read-only (no
 * copy). Any other is converted (or quantized) into memory of the weights' {@link #storage()}
 * arena, reading its source through a temporary mapping that is released as soon as the matrix is
 * done, so resident memory never holds both copies of more than one matrix. float16 refuses
 * values it cannot hold. Every weight must be finite: NaN and infinities are refused by name and
 * position (a scan of the mapped bytes at memory speed, or a by-product of conversion).
 *
 * <p>Hugging Face saves a model's body with or without the {@value #PREFIX} prefix ({@code
 * bigscience/bloom-560m} has none, a re-saved {@code BloomForCausalLM} has it), so each name is
 * looked up as given, then with the prefix.
 */
public final class WeightLoader {

  /** Prefix of the base model's weights inside a {@code *ForCausalLM} checkpoint. */
  public static final String PREFIX = "transformer.";

  /** Rows converted per task while loading: enough to amortize the scheduling. */
  static final int ROWS_PER_TASK = 256;

  /** Most bytes of a source tensor mapped at once while converting it. */
  static final long WINDOW_BYTES = 64L << 20;

  private final TensorSource source;
  private final NDManager manager;
  private final WeightType type;
  private final Arena storage;

  /**
   * @param source the checkpoint's tensors
   * @param manager owner of every vector loaded
   * @param type storage type of the matrices; null keeps each as the checkpoint stores it
   * @param storage owner of mapped and converted matrix bytes (shared: the model is used from
   *     other threads)
   */
  public WeightLoader(TensorSource source, NDManager manager, WeightType type, Arena storage) {
    this.source = source;
    this.manager = manager;
    this.type = type;
    this.storage = storage;
  }

  /** The manager that owns the loaded vectors. */
  public NDManager manager() {
    return manager;
  }

  /** The arena that owns the matrices' bytes. */
  public Arena storage() {
    return storage;
  }

  /** Whether the checkpoint holds {@code name}, with or without the prefix. */
  public boolean has(String name) {
    return resolve(name).isPresent();
  }

  /**
   * Loads the vector or small tensor {@code name} (with or without the prefix) as float32, after
   * checking its shape.
   *
   * @param expectedShape the shape the config implies
   * @throws CheckpointException if the tensor is missing (naming the files searched) or its shape
   *     differs (naming the tensor, its file, and both shapes)
   */
  public NDArray load(String name, long... expectedShape) {
    String stored = checked(name, expectedShape);
    StoredTensor info = source.describe(stored);
    WeightType from = storedType(info);
    int n = Math.toIntExact(info.numel());
    float[] values = new float[n];
    try (Arena window = Arena.ofConfined()) {
      WeightRows.read(from, source.map(stored, 0, n * from.rowBytes(1), window), 0, n, values, 0);
    }
    for (int i = 0; i < n; i++) {
      if (!Float.isFinite(values[i])) {
        throw nonFinite(info, i, Float.isNaN(values[i]));
      }
    }
    return manager.create(values, new ai.djl.ndarray.types.Shape(expectedShape));
  }

  /**
   * Loads the matrix {@code name} {@code [rows, cols]} in the requested storage type (Q8_0 keeps
   * rows that do not divide into its blocks as float32).
   *
   * @throws CheckpointException as {@link #load}, and when a value does not fit float16
   */
  public WeightMatrix matrix(String name, int rows, int cols) {
    String stored = checked(name, rows, cols);
    WeightType from = storedType(source.describe(stored));
    WeightType to = (type == null ? from : type).storageFor(cols);
    if (to == from) {
      MemorySegment bytes = source.map(stored, 0, from.rowBytes(cols) * rows, storage);
      if (bytes.isMapped()) { // a source may copy what it cannot map (a strided view, --no-mmap)
        bytes.load(); // the load, not the first request, pays the page faults
      }
      long bad = NonFinite.find(bytes, from, (long) rows * cols);
      if (bad >= 0) {
        throw nonFinite(source.describe(stored), bad, NonFinite.isNaN(bytes, from, bad));
      }
      return WeightMatrix.of(bytes, to, rows, cols);
    }
    MemorySegment converted = storage.allocate(to.rowBytes(cols) * rows, 64);
    long inRow = from.rowBytes(cols);
    long outRow = to.rowBytes(cols);
    int windowRows = (int) Math.max(1, Math.min(rows, WINDOW_BYTES / inRow));
    for (int first = 0; first < rows; first += windowRows) {
      int count = Math.min(windowRows, rows - first);
      // One window of the source at a time, unmapped when done: resident memory holds the
      // converted matrix and at most one window of its source.
      try (Arena window = Arena.ofShared()) {
        MemorySegment in = source.map(stored, first * inRow, count * inRow, window);
        MemorySegment out = converted.asSlice(first * outRow, count * outRow);
        float largest = convert(in, from, out, to, count, cols); // NaN or ∞ when one is there
        if (!Float.isFinite(largest)) {
          long bad = NonFinite.find(in, from, (long) count * cols);
          throw nonFinite(source.describe(stored), first * (long) cols + bad, NonFinite.isNaN(in, from, bad));
        }
        if (to == WeightType.F16 && !(largest <= 65504f)) {
          throw new CheckpointException(String.format(Locale.ROOT,
              "%s: tensor '%s' holds values up to %g, beyond float16's largest 65504: load it as bf16 or f32",
              source.describe(stored).file(), stored, largest));
        }
      }
    }
    return WeightMatrix.of(converted, to, rows, cols);
  }

  /** Converts {@code rows} rows in parallel; returns the largest magnitude seen. */
  private static float convert(MemorySegment in, WeightType from, MemorySegment out, WeightType to, int rows, int cols) {
    long inRow = from.rowBytes(cols);
    long outRow = to.rowBytes(cols);
    int tasks = (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    return (float) IntStream.range(0, tasks).parallel().mapToDouble(t -> {
      float[] row = new float[cols];
      float max = 0;
      for (int r = t * ROWS_PER_TASK; r < Math.min(rows, (t + 1) * ROWS_PER_TASK); r++) {
        WeightRows.read(from, in, r * inRow, cols, row, 0);
        max = Math.max(max, WeightRows.write(to, row, 0, cols, out, r * outRow));
      }
      return max;
    }).max().orElse(0);
  }

  /** The error for a NaN or infinity at element {@code index} (row-major) of {@code info}. */
  private static CheckpointException nonFinite(StoredTensor info, long index, boolean nan) {
    long[] shape = info.shape();
    String at = shape.length == 2
        ? "[" + index / shape[1] + ", " + index % shape[1] + "]"
        : "[" + index + "]";
    return new CheckpointException(info.file() + ": tensor '" + info.name() + "' holds "
        + (nan ? "NaN" : "an infinite value") + " at " + at + ": every weight must be finite"
        + " (one NaN makes every logit NaN)");
  }

  private static WeightType storedType(StoredTensor info) {
    return info.type().orElseThrow(() -> new CheckpointException(
        info.file() + ": tensor '" + info.name() + "' has dtype " + info.dtype()
            + "; only F32, F16 and BF16 can be loaded"));
  }

  private String checked(String name, long... expectedShape) {
    String stored =
        resolve(name)
            .orElseThrow(() -> new CheckpointException(
                "tensor '" + name + "' (or '" + PREFIX + name + "') not found in "
                    + source.files()));
    StoredTensor info = source.describe(stored);
    if (!Arrays.equals(info.shape(), expectedShape)) {
      throw new CheckpointException(
          info.file() + ": tensor '" + stored + "' has shape " + info.shapeString()
              + ", expected " + Arrays.toString(expectedShape) + " from config.json");
    }
    return stored;
  }

  private Optional<String> resolve(String name) {
    if (source.contains(name)) {
      return Optional.of(name);
    }
    if (source.contains(PREFIX + name)) {
      return Optional.of(PREFIX + name);
    }
    return Optional.empty();
  }
}
