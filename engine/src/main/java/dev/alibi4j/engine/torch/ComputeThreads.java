package dev.alibi4j.engine.torch;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/** The number of threads libtorch uses inside one operation (intra-op parallelism). */
public final class ComputeThreads {

  private ComputeThreads() {}

  /** Current intra-op thread count. */
  public static int get() {
    TorchEnvironment.prepare();
    Engine.getEngine("PyTorch"); // loads the native library
    return JniUtils.getNumThreads();
  }

  /**
   * Sets the intra-op thread count for the whole process.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static void set(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("thread count must be at least 1, got " + threads);
    }
    TorchEnvironment.prepare();
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
  }
}
