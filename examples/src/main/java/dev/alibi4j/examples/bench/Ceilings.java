package dev.alibi4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The machine's two limits, measured through the same engine (libtorch via DJL) the model runs
 * on: streaming-read bandwidth, which bounds decoding, and large matrix-multiply throughput,
 * which bounds prefill.
 */
final class Ceilings {

  /** 1 GiB of float32: far larger than any CPU cache. */
  static final long BANDWIDTH_ELEMENTS = 256L << 20;

  /** Square matrix size for the matmul ceiling. */
  static final int MATMUL_SIZE = 2048;

  private Ceilings() {}

  /** Reads of a 1 GiB float32 array by {@code sum()}, in GB/s (10^9 bytes), one rate per run. */
  static double[] bandwidthGbPerS(int runs) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray data = m.ones(new Shape(BANDWIDTH_ELEMENTS)); // [256 Mi] float32, written once
      double bytes = BANDWIDTH_ELEMENTS * 4.0;
      double[] rates = new double[runs];
      data.sum().close(); // warm-up
      for (int r = 0; r < runs; r++) {
        long start = System.nanoTime();
        try (NDArray total = data.sum()) {
          total.getFloat(); // forces completion
        }
        rates[r] = bytes / ((System.nanoTime() - start) / 1e9) / 1e9;
      }
      return rates;
    }
  }

  /** A 2048³ float32 matrix product (the dtype prefill runs in), in GFLOP/s, one rate per run. */
  static double[] matmulGflops(int runs) {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      Shape square = new Shape(MATMUL_SIZE, MATMUL_SIZE);
      NDArray a = m.randomUniform(-1f, 1f, square, DataType.FLOAT32); // [n, n]
      NDArray b = m.randomUniform(-1f, 1f, square, DataType.FLOAT32); // [n, n]
      double flops = 2.0 * MATMUL_SIZE * MATMUL_SIZE * MATMUL_SIZE;
      double[] rates = new double[runs];
      a.matMul(b).close(); // warm-up
      for (int r = 0; r < runs; r++) {
        long start = System.nanoTime();
        try (NDArray c = a.matMul(b)) { // [n, n]
          c.getFloat(0, 0);
        }
        rates[r] = flops / ((System.nanoTime() - start) / 1e9) / 1e9;
      }
      return rates;
    }
  }
}
