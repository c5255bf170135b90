package dev.alibi4j.engine.kernel;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Chooses the kernel: the Vector API one when the JVM was started with {@code --add-modules
 * jdk.incubator.vector}, else {@link TorchKernel}, saying once on stderr how to enable the fast
 * one. The system property {@value #KERNEL_PROPERTY} ({@code vector} or {@code torch}) forces a
 * choice; {@value #THREADS_PROPERTY} sets the compute threads (default: the available processors).
 */
public final class Kernels {

  /** System property forcing the kernel: {@code vector} or {@code torch}. */
  public static final String KERNEL_PROPERTY = "alibi4j.kernel";

  /** System property setting the vector kernel's compute threads. */
  public static final String THREADS_PROPERTY = "alibi4j.threads";

  /** The module the fast kernel needs at launch. */
  public static final String VECTOR_MODULE = "jdk.incubator.vector";

  /** What to add to the {@code java} command line to get the fast kernel. */
  public static final String ENABLE_HINT = "--add-modules " + VECTOR_MODULE;

  private static final String VECTOR_CLASS = "dev.alibi4j.engine.kernel.vector.VectorKernel";

  private static Kernel preferred;
  private static boolean warned;
  // One vector kernel per thread count, shared: each owns compute threads that live with the JVM.
  private static final java.util.Map<Integer, Kernel> VECTOR_KERNELS = new java.util.HashMap<>();

  private Kernels() {}

  /** Whether the Vector API module is present in this JVM. */
  public static boolean vectorAvailable() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** The kernel models use unless given another. */
  public static synchronized Kernel preferred() {
    if (preferred == null) {
      preferred = choose(threadsFromProperty(), System.err);
    }
    return preferred;
  }

  /**
   * Replaces the preferred kernel with one of {@code threads} compute threads (models built
   * afterwards use it).
   */
  public static synchronized Kernel setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("compute threads must be at least 1, got " + threads);
    }
    preferred = choose(threads, System.err);
    return preferred;
  }

  /**
   * The Vector API kernel with {@code threads} compute threads (one instance per count).
   *
   * @throws IllegalStateException when the JVM lacks the module, saying how to add it
   * @throws IllegalArgumentException when {@code threads < 1}
   */
  public static synchronized Kernel vector(int threads) {
    if (!vectorAvailable()) {
      throw new IllegalStateException(
          "the Vector API kernel needs the " + VECTOR_MODULE + " module: start java with " + ENABLE_HINT);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("compute threads must be at least 1, got " + threads);
    }
    Kernel kernel = VECTOR_KERNELS.get(threads);
    if (kernel == null) {
      try {
        kernel = (Kernel) Class.forName(VECTOR_CLASS).getConstructor(int.class).newInstance(threads);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot create the Vector API kernel: " + e, e);
      }
      VECTOR_KERNELS.put(threads, kernel);
    }
    return kernel;
  }

  static Kernel choose(int threads, PrintStream log) {
    String forced = System.getProperty(KERNEL_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    switch (forced) {
      case "torch":
        return TorchKernel.INSTANCE;
      case "vector":
        return vector(threads);
      case "":
        break;
      default:
        throw new IllegalArgumentException(
            KERNEL_PROPERTY + " must be 'vector' or 'torch', got '" + forced + "'");
    }
    if (vectorAvailable()) {
      return vector(threads);
    }
    if (!warned) {
      warned = true;
      log.println("alibi4j: the Java Vector API is not enabled, so decoding runs on libtorch's slower"
          + " kernels (bf16 and q8_0 much slower); start java with " + ENABLE_HINT + " for the fast ones");
    }
    return TorchKernel.INSTANCE;
  }

  private static int threadsFromProperty() {
    String value = System.getProperty(THREADS_PROPERTY);
    if (value == null) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      int threads = Integer.parseInt(value.trim());
      if (threads >= 1) {
        return threads;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(THREADS_PROPERTY + " must be a whole number >= 1, got '" + value + "'");
  }
}
