package dev.alibi4j.model.weights;

import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.stream.LongStream;

/**
 * Finds NaN and infinite values in stored float32, float16 or bfloat16 weights: an element whose
 * exponent bits are all ones. Eight bytes are tested at once (two float32 or four 16-bit values,
 * bit tricks on a long), in parallel chunks, so the scan runs at memory speed: one NaN in a
 * weight makes every logit NaN, and it is cheaper to find at load than to debug in a service.
 */
final class NonFinite {

  private static final ValueLayout.OfLong LONG =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** Bytes per parallel task. */
  private static final long CHUNK_BYTES = 4L << 20;

  private NonFinite() {}

  /**
   * The index of the first NaN or infinite element among the {@code count} elements of {@code
   * type} at the start of {@code bytes}, or -1 when all are finite. Segments over one chunk are
   * read from several threads, so their arena must be shared.
   */
  static long find(MemorySegment bytes, WeightType type, long count) {
    int size = switch (type) {
      case F32 -> 4;
      case F16, BF16 -> 2;
      case Q8_0 -> throw new IllegalArgumentException("Q8_0 holds only finite values");
    };
    long length = count * size;
    long chunks = (length + CHUNK_BYTES - 1) / CHUNK_BYTES;
    LongStream tasks = LongStream.range(0, chunks);
    return (chunks > 1 ? tasks.parallel() : tasks) // one chunk: no hand-off, any arena
        .map(c -> {
          long from = c * CHUNK_BYTES;
          long to = Math.min(length, from + CHUNK_BYTES);
          return anyIn(bytes, type, from, to) ? first(bytes, type, size, from, to) : -1;
        })
        .filter(i -> i >= 0)
        .findFirst()
        .orElse(-1);
  }

  /** Whether bytes {@code [from, to)} (whole elements) hold a non-finite value. */
  private static boolean anyIn(MemorySegment bytes, WeightType type, long from, long to) {
    // Per lane: d = (x & E) ^ E is zero exactly when the exponent E is all ones. d < 2^(lane-1),
    // so d + (2^(lane-1) - 1) sets the lane's top bit exactly when d != 0, with no carry out.
    long exponent = type == WeightType.F32 ? 0x7F8000007F800000L
        : type == WeightType.F16 ? 0x7C007C007C007C00L : 0x7F807F807F807F80L;
    long fill = type == WeightType.F32 ? 0x7FFFFFFF7FFFFFFFL : 0x7FFF7FFF7FFF7FFFL;
    long tops = type == WeightType.F32 ? 0x8000000080000000L : 0x8000800080008000L;
    MemorySegment chunk = bytes.asSlice(from, to - from); // int indices: a loop C2 unrolls
    int longs = (int) (chunk.byteSize() / 8);
    long missing = 0; // a lane's top bit here: that lane held a non-finite value
    for (int i = 0; i < longs; i++) {
      long d = (chunk.getAtIndex(LONG, i) & exponent) ^ exponent;
      missing |= ~(d + fill) & tops;
    }
    if (missing != 0) {
      return true;
    }
    long at = from + 8L * longs;
    int size = type == WeightType.F32 ? 4 : 2;
    return at < to && first(bytes, type, size, at, to) >= 0;
  }

  /** The index of the first non-finite element in bytes {@code [from, to)}, or -1. */
  private static long first(MemorySegment bytes, WeightType type, int size, long from, long to) {
    for (long at = from; at < to; at += size) {
      boolean finite = switch (type) {
        case F32 -> Float.isFinite(bytes.get(FLOAT, at));
        case F16 -> (bytes.get(SHORT, at) & 0x7C00) != 0x7C00;
        default -> (bytes.get(SHORT, at) & 0x7F80) != 0x7F80;
      };
      if (!finite) {
        return at / size;
      }
    }
    return -1;
  }

  /** Whether the value at {@code index} of {@code bytes} is NaN (else infinite). */
  static boolean isNaN(MemorySegment bytes, WeightType type, long index) {
    return switch (type) {
      case F32 -> Float.isNaN(bytes.get(FLOAT, 4 * index));
      case F16 -> (bytes.get(SHORT, 2 * index) & 0x03FF) != 0;
      default -> (bytes.get(SHORT, 2 * index) & 0x007F) != 0;
    };
  }
}
