package dev.alibi4j.engine.torch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Settings libtorch's OpenMP runtime (GNU libgomp) reads once, when it loads: they must be in the
 * process environment before the first DJL call.
 *
 * <p>{@code GOMP_SPINCOUNT=10000}: by default libgomp's threads spin for 300,000 iterations
 * (about a millisecond) after every parallel operation. A decode step alternates libtorch's
 * attention with the Java kernels, and a spinning OpenMP thread holds the core a kernel thread
 * needs: on the 2-core machine the first product after each attention took 1.3 ms instead of
 * 0.2 ms, a third of the step. Not spinning at all ({@code OMP_WAIT_POLICY=PASSIVE}) frees the
 * core but costs prefill, whose operations follow each other closely, about 17%; 10,000
 * iterations (about 10 µs) keeps both (bloom-560m: f32 prefill 293 tokens/s, decode 10.6 against
 * 305 and 10.0 with the default, 256 and 9.7 when passive). A value the user set for either
 * variable is kept.
 */
public final class TorchEnvironment {

  /** The variable set. */
  public static final String SPIN_COUNT = "GOMP_SPINCOUNT";

  /** Its value. */
  public static final String SPINS = "10000";

  /** The other variable that decides spinning; when the user set it, nothing is set. */
  public static final String WAIT_POLICY = "OMP_WAIT_POLICY";

  private static boolean prepared;

  private TorchEnvironment() {}

  /**
   * Puts the settings into the process environment unless present; a no-op after the first call,
   * and without effect once libtorch has loaded (call it first thing).
   */
  public static synchronized void prepare() {
    if (prepared) {
      return;
    }
    prepared = true;
    if (System.getenv(WAIT_POLICY) != null || System.getenv(SPIN_COUNT) != null) {
      return;
    }
    try {
      Linker linker = Linker.nativeLinker();
      Optional<MemorySegment> setenv = linker.defaultLookup().find("setenv");
      if (setenv.isEmpty()) {
        return; // not a POSIX C library: nothing to do
      }
      MethodHandle call = linker.downcallHandle(setenv.get(),
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
      try (Arena arena = Arena.ofConfined()) {
        int ignored = (int) call.invokeExact(arena.allocateFrom(SPIN_COUNT), arena.allocateFrom(SPINS), 0);
      }
    } catch (Throwable e) {
      // Only speed depends on it: run with libgomp's default.
    }
  }
}
