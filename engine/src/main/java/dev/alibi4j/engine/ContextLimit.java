package dev.alibi4j.engine;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * The default maximum context of a model: the longest sequence (prompt plus generated tokens) a
 * session accepts, derived from the memory one position costs. ALiBi extrapolates past the
 * training length, so the bound is memory, not the config's sequence length.
 *
 * <p>The rule: {@code min(}{@value #CAP}{@code , (physical memory − weights) / 2 / bytes per
 * position)}, at least {@value #FLOOR}. Physical memory is the JVM's view of it (a container's
 * limit inside one). A position costs its float32 keys and values in every layer, counted twice
 * (the cache grows by a quarter at a time and briefly holds the old copy beside the new), plus its
 * share of a prefill chunk's attention temporaries (mask, scores and probabilities: three floats
 * per head per query of the chunk). Free memory is not used: the same request is then accepted or
 * refused whatever else runs at the moment. The limit applies to each sequence; a service running
 * several long sequences at once should set a lower one.
 */
public final class ContextLimit {

  /** No default exceeds this many positions: prefill time grows with the square of the length. */
  public static final int CAP = 131_072;

  /** No default is below this many positions, however small the memory. */
  public static final int FLOOR = 256;

  private ContextLimit() {}

  /** Bytes one position of context costs at most (see the class comment). */
  public static long bytesPerPosition(TransformerConfig config) {
    long keysAndValues = 2L * config.numLayers() * config.hiddenSize() * Float.BYTES;
    long prefillScores = 3L * config.numHeads() * AlibiSession.PREFILL_CHUNK * Float.BYTES;
    return 2 * keysAndValues + prefillScores;
  }

  /**
   * The default maximum context of a model of {@code config} whose weights take {@code
   * weightBytes}, on a machine with {@code memoryBytes} of physical memory.
   */
  public static int defaultFor(TransformerConfig config, long weightBytes, long memoryBytes) {
    long budget = Math.max(0, memoryBytes - weightBytes) / 2;
    long positions = budget / bytesPerPosition(config);
    return (int) Math.max(FLOOR, Math.min(CAP, positions));
  }

  /**
   * Refuses a sequence longer than the model's maximum context, before any work.
   *
   * @param what the sequence, as the message should describe it, e.g. "a prompt of 40 tokens + 8
   *     new tokens"
   * @param length its length in tokens
   * @param maxContext the model's maximum context
   * @throws IllegalArgumentException naming the length and the limit
   */
  public static void check(String what, long length, int maxContext) {
    if (length > maxContext) {
      throw new IllegalArgumentException(
          what + " = " + length + " tokens exceeds the maximum context of " + maxContext
              + " tokens (raise it with setMaxContext, or --max-context on the command line)");
    }
  }

  /** Physical memory as the JVM sees it (a container's limit inside one). */
  public static long physicalMemory() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
  }
}
