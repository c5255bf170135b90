package dev.alibi4j.engine.kernel.vector;

import dev.alibi4j.engine.kernel.Kernel;
import dev.alibi4j.engine.kernel.KernelChecks;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Products over the weights' own bytes (the mapped checkpoint or a quantized copy) with the Java
 * Vector API, split by output rows across a {@link ComputePool}. Each weight byte is read once
 * per call, for every activation row at once; nothing is allocated per call once the scratch
 * buffers have grown to the model's widths.
 *
 * <p>A loop per storage type ({@link Dots}). Several rows: each weight row is dotted with every
 * activation row in turn, by the same loop as for one row, so that a row's result is the same to
 * the last bit whatever rows come with it (batched decoding must not change a sequence's output).
 *
 * <p>The vector width is fixed when the class loads ({@link Dots#BITS}). Calls are serialized:
 * each uses every compute thread.
 */
public final class VectorKernel implements Kernel {

  private final ComputePool pool;
  private final ReentrantLock lock = new ReentrantLock();
  private final MultiplyJob multiply;
  private final WidenJob widen;
  private final SumJob sum;
  private float[] paired = new float[0];
  private final boolean[] warm = new boolean[WeightType.values().length];

  /** @param threads compute threads, the calling thread included */
  public VectorKernel(int threads) {
    this.pool = new ComputePool(threads);
    this.multiply = new MultiplyJob(threads);
    this.sum = new SumJob(threads);
    this.widen = new WidenJob(threads);
  }

  /**
   * Runs {@code type}'s loops on a small matrix until C2 has compiled them, the first time a
   * matrix of that type comes. Until then the Vector API runs its Java fallback, which allocates
   * an object per vector operation: a first pass over a real model's weights makes gigabytes of
   * garbage, and the heap grows to hold them (seen: 0.5 to 1 GB of resident memory that stayed).
   * 0.15 to 0.6 s per type, once per kernel; called with the lock held.
   */
  private void warmUp(WeightType type) {
    if (warm[type.ordinal()]) {
      return;
    }
    warm[type.ordinal()] = true;
    int rows = 64;
    int cols = 256;
    float[] x = new float[5 * cols];
    float[] y = new float[5 * rows];
    java.util.Arrays.fill(x, 0.5f);
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared()) { // the compute threads read it
      MemorySegment floats = arena.allocate(4L * rows * cols, 64);
      WeightMatrix w = WeightMatrix.of(arena.allocate(type.rowBytes(cols) * rows, 64), type, rows, cols);
      for (int i = 0; i < WARM_UP_CALLS; i++) {
        run(w, x, y, 1);
        run(w, x, y, 5);
      }
      for (int i = 0; i < WARM_UP_CALLS / 10; i++) {
        widen.set(w, 0, rows, floats);
        pool.run(widen);
      }
      widen.clear();
    }
    System.gc(); // hands the warm-up's garbage, and the heap it grew, back
  }

  /** Calls per loop in {@link #warmUp}: past C2's compile thresholds. */
  static final int WARM_UP_CALLS = 300;

  /** The vector width in bits (256 or 512). */
  public static int vectorBits() {
    return Dots.BITS;
  }

  /** Compute threads, the caller included. */
  public int threads() {
    return pool.parts();
  }

  @Override
  public void multiply(WeightMatrix w, float[] x, float[] y, int rows) {
    KernelChecks.multiply(w, x, y, rows);
    if (!w.hasBytes()) {
      throw new IllegalArgumentException("the vector kernel reads weight bytes; this matrix lives in libtorch");
    }
    lock.lock();
    try {
      warmUp(w.type());
      run(w, x, y, rows);
    } finally {
      lock.unlock();
    }
  }

  /** One product, the lock held. */
  private void run(WeightMatrix w, float[] x, float[] y, int rows) {
    try {
      float[] in = x;
      if (w.type() == WeightType.BF16) {
        int cols = w.cols();
        if (paired.length < rows * cols) {
          paired = new float[rows * cols];
        }
        for (int r = 0; r < rows; r++) {
          Dots.pairUp(x, r * cols, cols, paired, r * cols);
        }
        in = paired;
      }
      multiply.set(w, in, y, rows);
      pool.run(multiply);
    } finally {
      multiply.clear();
    }
  }

  @Override
  public void widen(WeightMatrix w, int start, int end, MemorySegment dst) {
    KernelChecks.widen(w, start, end, dst);
    if (!w.hasBytes()) {
      throw new IllegalArgumentException("the vector kernel reads weight bytes; this matrix lives in libtorch");
    }
    lock.lock();
    try {
      warmUp(w.type());
      widen.set(w, start, end, dst);
      pool.run(widen);
    } finally {
      widen.clear();
      lock.unlock();
    }
  }

  @Override
  public double streamSum(MemorySegment floats) {
    lock.lock();
    try {
      sum.set(floats);
      pool.run(sum);
      return sum.total();
    } finally {
      sum.clear();
      lock.unlock();
    }
  }

  @Override
  public void geluTanh(float[] x, int from, int n) {
    Dots.geluTanh(x, from, n);
  }

  @Override
  public void geluExact(float[] x, int from, int n) {
    Dots.geluExact(x, from, n);
  }

  @Override
  public String name() {
    return "vector-" + Dots.BITS;
  }

  /** First row of part {@code part} when {@code rows} are split into {@code parts}. */
  static int split(int rows, int part, int parts) {
    return (int) ((long) rows * part / parts);
  }

  /** One product: the arguments of the current call, and one scratch row per thread. */
  private static final class MultiplyJob implements ComputePool.Job {
    /** float16 values widened per step of a one-row product: 8 KB in, 16 KB out, within L1. */
    private static final int F16_CHUNK = 4096;
    private final float[][] scratch;
    private final float[][] blockScales; // per thread: a Q8_0 row's scales
    private final short[][] bits; // per thread: a float16 row's bits
    private WeightMatrix w;
    private float[] x;
    private float[] y;
    private int rows;

    MultiplyJob(int parts) {
      this.scratch = new float[parts][0];
      this.blockScales = new float[parts][0];
      this.bits = new short[parts][0];
    }

    void set(WeightMatrix w, float[] x, float[] y, int rows) {
      this.w = w;
      this.x = x;
      this.y = y;
      this.rows = rows;
      int widest = Math.max(w.cols(), F16_CHUNK); // a chunk of float16 rows, or one row
      if (w.type() != WeightType.F32 && scratch[0].length < widest) {
        for (int p = 0; p < scratch.length; p++) {
          scratch[p] = new float[widest];
          blockScales[p] = new float[widest / 32 + 1];
          bits[p] = new short[widest];
        }
      }
    }

    void clear() {
      w = null;
      x = null;
      y = null;
    }

    @Override
    public void run(int part, int parts) {
      int lo = split(w.rows(), part, parts);
      int hi = split(w.rows(), part + 1, parts);
      MemorySegment data = w.data();
      long rowBytes = w.rowBytes();
      int cols = w.cols();
      if (rows == 1) {
        switch (w.type()) {
          case F32 -> {
            for (int o = lo; o < hi; o++) {
              y[o] = Dots.f32(data, o * rowBytes, x, 0, cols);
            }
          }
          case F16 -> {
            // Rows are contiguous: widen a few at a time (one copy, one conversion loop of about
            // F16_CHUNK halves), then dot each. Measured 1.35x faster than a row at a time for
            // 1024-wide rows (the copies stream better); larger chunks leave L1 and lose.
            float[] widened = scratch[part];
            int block = Math.max(1, F16_CHUNK / cols);
            for (int o = lo; o < hi; o += block) {
              int k = Math.min(block, hi - o);
              Dots.widenHalves(data, o * rowBytes, k * cols, widened, bits[part]);
              for (int r = 0; r < k; r++) {
                y[o + r] = Dots.f32(widened, r * cols, x, 0, cols);
              }
            }
          }
          case BF16 -> {
            for (int o = lo; o < hi; o++) {
              y[o] = Dots.bf16Paired(data, o * rowBytes, x, 0, cols);
            }
          }
          case Q8_0 -> {
            for (int o = lo; o < hi; o++) {
              y[o] = Dots.q8(data, o * rowBytes, x, 0, cols);
            }
          }
        }
        return;
      }
      // Every row gets the very operations of a one-row call (so a sequence's logits do not
      // depend on what else is in the batch); the weight row, read from memory once (and
      // widened once where widening is exact), stays in L1 for the rows after the first.
      int out = w.rows();
      switch (w.type()) {
        case F32 -> {
          for (int o = lo; o < hi; o++) {
            for (int r = 0; r < rows; r++) {
              y[r * out + o] = Dots.f32(data, o * rowBytes, x, r * cols, cols);
            }
          }
        }
        case F16 -> {
          float[] row = scratch[part];
          for (int o = lo; o < hi; o++) {
            Dots.widenHalves(data, o * rowBytes, cols, row, bits[part]);
            int r = 0;
            for (; r + 4 <= rows; r += 4) { // four rows a pass: each weight vector loaded once for them
              Dots.f32Rows4(row, x, r * cols, cols, cols, y, r * out + o, out);
            }
            for (; r < rows; r++) {
              y[r * out + o] = Dots.f32(row, x, r * cols, cols);
            }
          }
        }
        case BF16 -> {
          for (int o = lo; o < hi; o++) {
            for (int r = 0; r < rows; r++) {
              y[r * out + o] = Dots.bf16Paired(data, o * rowBytes, x, r * cols, cols);
            }
          }
        }
        case Q8_0 -> {
          float[] values = scratch[part];
          float[] scales = blockScales[part];
          for (int o = lo; o < hi; o++) {
            Dots.q8Unpack(data, o * rowBytes, cols, values, scales); // converted once for all rows
            int r = 0;
            for (; r + 4 <= rows; r += 4) {
              Dots.q8WidenedRows4(values, scales, x, r * cols, cols, cols, y, r * out + o, out);
            }
            for (; r < rows; r++) {
              y[r * out + o] = Dots.q8Widened(values, scales, x, r * cols, cols);
            }
          }
        }
      }
    }
  }

  /** A streaming sum of float32 values, split into contiguous ranges across threads. */
  private static final class SumJob implements ComputePool.Job {
    private static final long CHUNK = 1 << 18; // floats: 1 MiB
    private final double[] partial;
    private MemorySegment data;

    SumJob(int parts) {
      this.partial = new double[parts];
    }

    void set(MemorySegment data) {
      this.data = data;
    }

    void clear() {
      data = null;
    }

    double total() {
      double t = 0;
      for (double p : partial) {
        t += p;
      }
      return t;
    }

    @Override
    public void run(int part, int parts) {
      long floats = data.byteSize() / 4;
      long lo = floats * part / parts;
      long hi = floats * (part + 1) / parts;
      double total = 0;
      for (long at = lo; at < hi; at += CHUNK) { // short calls: the compiled loop serves them all
        total += Dots.sum(data, at, Math.min(hi, at + CHUNK));
      }
      partial[part] = total;
    }
  }

  /** Rows of a matrix widened to float32, split across threads. */
  private static final class WidenJob implements ComputePool.Job {
    private final float[][] halves; // per thread: a float16 row widened on the heap, where C2 vectorizes it
    private final short[][] bits; // per thread: that row's bits
    private WeightMatrix w;
    private int start;
    private int end;
    private MemorySegment dst;

    WidenJob(int parts) {
      this.halves = new float[parts][0];
      this.bits = new short[parts][0];
    }

    void set(WeightMatrix w, int start, int end, MemorySegment dst) {
      if (w.type() == WeightType.F16 && halves[0].length < w.cols()) {
        for (int p = 0; p < halves.length; p++) {
          halves[p] = new float[w.cols()];
          bits[p] = new short[w.cols()];
        }
      }
      this.w = w;
      this.start = start;
      this.end = end;
      this.dst = dst;
    }

    void clear() {
      w = null;
      dst = null;
    }

    @Override
    public void run(int part, int parts) {
      int n = end - start;
      int lo = start + split(n, part, parts);
      int hi = start + split(n, part + 1, parts);
      long rowBytes = w.rowBytes();
      int cols = w.cols();
      for (int r = lo; r < hi; r++) {
        long at = (long) (r - start) * cols * Float.BYTES;
        if (w.type() == WeightType.F16) {
          Dots.widenHalves(w.data(), r * rowBytes, cols, halves[part], bits[part]);
          MemorySegment.copy(halves[part], 0, dst, java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, at, cols);
        } else {
          Dots.widenRow(w.type(), w.data(), r * rowBytes, cols, dst, at);
        }
      }
    }
  }
}
