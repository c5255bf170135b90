package dev.alibi4j.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.kernel.Kernel;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The machine's two limits: streaming-read bandwidth, which bounds decoding, and large
 * matrix-multiply throughput, which bounds prefill. Bandwidth is read two ways: libtorch's {@code
 * sum()} over 1 GiB of its own memory, and the decode kernel's own multi-threaded read of a
 * memory-mapped file larger than 1 GiB (what decoding reads: a mapped checkpoint's pages).
 */
final class Ceilings {

  /** 1 GiB of float32 for libtorch's probe: far larger than any CPU cache. */
  static final long TORCH_ELEMENTS = 256L << 20;

  /** Size of the file the kernel probe maps: 1.25 GiB, larger than 1 GiB as the issue asks. */
  static final long FILE_BYTES = 1280L << 20;

  /** Square matrix size for the matmul ceiling. */
  static final int MATMUL_SIZE = 2048;

  private Ceilings() {}

  /** One read of a 1 GiB float32 array by libtorch's {@code sum()}, in GB/s (10^9 bytes). */
  static double torchBandwidthGbPerS() {
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray data = m.ones(new Shape(TORCH_ELEMENTS)); // [256 Mi] float32, written once
      data.sum().close(); // warm-up: the pages exist now
      long start = System.nanoTime();
      try (NDArray total = data.sum()) {
        total.getFloat(); // forces completion
      }
      return TORCH_ELEMENTS * 4.0 / ((System.nanoTime() - start) / 1e9) / 1e9;
    }
  }

  /** Writes the probe file: {@link #FILE_BYTES} of small float32 values. */
  static void writeProbeFile(Path file) throws IOException {
    ByteBuffer chunk = ByteBuffer.allocateDirect(16 << 20).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; chunk.remaining() >= 4; i++) {
      chunk.putFloat((i % 1000) * 1e-3f);
    }
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      for (long written = 0; written < FILE_BYTES; written += chunk.capacity()) {
        chunk.clear();
        while (chunk.hasRemaining()) {
          out.write(chunk);
        }
      }
    }
  }

  /**
   * One read of the mapped probe file by {@code kernel}'s streaming sum, in GB/s; the file's
   * pages are in the page cache (touched once before timing) and unmapped afterwards.
   */
  static double kernelBandwidthGbPerS(Kernel kernel, Path file) throws IOException {
    try (Arena arena = Arena.ofShared();
        FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment data = in.map(FileChannel.MapMode.READ_ONLY, 0, in.size(), arena);
      data.load();
      kernel.streamSum(data); // warm-up
      long start = System.nanoTime();
      kernel.streamSum(data);
      return data.byteSize() / ((System.nanoTime() - start) / 1e9) / 1e9;
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
