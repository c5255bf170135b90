package dev.alibi4j.engine.kernel.vector;

import dev.alibi4j.engine.kernel.Gelu;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API loops, one per storage type. The species are constants of this class (C2 only
 * compiles vector code for constant species), chosen once: the JVM's preferred width, or the
 * {@value #BITS_PROPERTY} system property (256 or 512) so that tests can run both widths on any
 * machine (a width the CPU lacks runs correctly, only slowly).
 *
 * <p>bfloat16 weights are widened with integer operations: loading a 32-bit lane gives two
 * bfloat16s, the even one (shifted up 16) and the odd one (already on top), each a float32's bits;
 * a one-row product therefore takes its input with even and odd elements separated ({@link
 * #pairUp}) rather than shuffling the weights. float16 weights go through the CPU's conversion
 * instruction instead ({@link #f16}).
 *
 * <p>Helpers never take or return vectors: C2 keeps vectors in registers only across calls it
 * inlines, and a vector boxed on the heap costs ten times the arithmetic.
 */
final class Dots {

  /** System property that fixes the vector width in bits. */
  static final String BITS_PROPERTY = "alibi4j.vector.bits";

  static final int BITS = chooseBits();
  static final VectorSpecies<Float> F = VectorSpecies.of(float.class, VectorShape.forBitSize(BITS));
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, VectorShape.forBitSize(BITS));
  /** As many shorts as F has floats. */
  static final VectorSpecies<Short> H = VectorSpecies.of(short.class, VectorShape.forBitSize(BITS / 2));
  /** As many bytes as F has floats. */
  static final VectorSpecies<Byte> Q = VectorSpecies.of(byte.class, VectorShape.forBitSize(BITS / 4));
  static final int L = F.length();
  /** Rotations by L/2, L/4, ..., 1 lanes, for {@link #sumLanes}. */
  private static final List<VectorShuffle<Float>> HALVES = halves();

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
  private static final int Q8_BLOCK = 32;
  private static final int Q8_BLOCK_BYTES = 34;

  private Dots() {}

  private static List<VectorShuffle<Float>> halves() {
    List<VectorShuffle<Float>> list = new java.util.ArrayList<>();
    for (int k = L / 2; k >= 1; k /= 2) {
      int shift = k;
      list.add(VectorShuffle.fromOp(F, i -> (i + shift) % L));
    }
    return List.copyOf(list);
  }

  private static int chooseBits() {
    String forced = System.getProperty(BITS_PROPERTY);
    if (forced == null) {
      return Math.max(256, FloatVector.SPECIES_PREFERRED.vectorBitSize());
    }
    int bits = Integer.parseInt(forced.trim());
    if (bits != 256 && bits != 512) {
      throw new IllegalArgumentException(BITS_PROPERTY + " must be 256 or 512, got " + forced);
    }
    return bits;
  }

  /** {@code Σ w[i] x[xo + i]}, float32 weights at {@code w[off]}. */
  static float f32(MemorySegment w, long off, float[] x, int xo, int n) {
    // Four accumulators: an FMA's latency is four cycles, so fewer leave the unit idle.
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      long at = off + 4L * i;
      a0 = FloatVector.fromMemorySegment(F, w, at, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
      a1 = FloatVector.fromMemorySegment(F, w, at + 4L * L, LE).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
      a2 = FloatVector.fromMemorySegment(F, w, at + 8L * L, LE).fma(FloatVector.fromArray(F, x, xo + i + 2 * L), a2);
      a3 = FloatVector.fromMemorySegment(F, w, at + 12L * L, LE).fma(FloatVector.fromArray(F, x, xo + i + 3 * L), a3);
    }
    for (; i <= n - L; i += L) {
      a0 = FloatVector.fromMemorySegment(F, w, off + 4L * i, LE).fma(FloatVector.fromArray(F, x, xo + i), a0);
    }
    float s = sumLanes(a0.add(a1).add(a2.add(a3)));
    for (; i < n; i++) {
      s += w.get(FLOAT, off + 4L * i) * x[xo + i];
    }
    return s;
  }

  /**
   * The sum of a vector's lanes in a fixed pairwise order, by rotating and adding (exact lanewise
   * operations). {@code reduceLanes(ADD)} adds in another order once C2 compiles it than before,
   * so the same product would change in its last bit as the JIT warms up, and greedy decoding
   * with it.
   */
  static float sumLanes(FloatVector v) {
    for (VectorShuffle<Float> half : HALVES) {
      v = v.add(v.rearrange(half));
    }
    return v.lane(0);
  }

  /**
   * Rearranges {@code x[0, n)} for the paired 16-bit loops: in each group of {@code 2L}, the even
   * elements, then the odd ones; a last partial group stays in order.
   */
  static void pairUp(float[] x, int n, float[] paired) {
    int g = 0;
    for (; g <= n - 2 * L; g += 2 * L) {
      for (int j = 0; j < L; j++) {
        paired[g + j] = x[g + 2 * j];
        paired[g + L + j] = x[g + 2 * j + 1];
      }
    }
    System.arraycopy(x, g, paired, g, n - g);
  }

  /**
   * float16 weights at {@code w[off]} times {@code x[xo, xo + n)}, through {@code row} (at least
   * {@code n} floats): the row is widened first by a plain loop that C2 compiles to the CPU's
   * half-to-float instruction (F16C, exact, subnormals included), then dotted in float32.
   * Widening by integer operations instead is slower here: a float16 subnormal becomes a float32
   * subnormal, and multiplying one costs a microcode assist of about a hundred cycles.
   */
  static float f16(MemorySegment w, long off, float[] x, int xo, int n, float[] row) {
    widenHalves(w, off, n, row);
    return f32(row, x, xo, n);
  }

  /** {@code n} halves at {@code w[off]} as floats into {@code row}: a loop C2 vectorizes. */
  static void widenHalves(MemorySegment w, long off, int n, float[] row) {
    for (int i = 0; i < n; i++) {
      row[i] = Float.float16ToFloat(w.get(SHORT, off + 2L * i));
    }
  }

  /** {@code Σ a[i] x[xo + i]} over float arrays. */
  static float f32(float[] a, float[] x, int xo, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      a0 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, x, xo + i), a0);
      a1 = FloatVector.fromArray(F, a, i + L).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
      a2 = FloatVector.fromArray(F, a, i + 2 * L).fma(FloatVector.fromArray(F, x, xo + i + 2 * L), a2);
      a3 = FloatVector.fromArray(F, a, i + 3 * L).fma(FloatVector.fromArray(F, x, xo + i + 3 * L), a3);
    }
    for (; i <= n - L; i += L) {
      a0 = FloatVector.fromArray(F, a, i).fma(FloatVector.fromArray(F, x, xo + i), a0);
    }
    float s = sumLanes(a0.add(a1).add(a2.add(a3)));
    for (; i < n; i++) {
      s += a[i] * x[xo + i];
    }
    return s;
  }

  /** bfloat16 weights at {@code w[off]} times {@code paired}: a bfloat16 is a float's top half. */
  static float bf16Paired(MemorySegment w, long off, float[] paired, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      IntVector v = IntVector.fromMemorySegment(I, w, off + 2L * i, LE); // two bfloat16s a lane
      IntVector u = IntVector.fromMemorySegment(I, w, off + 2L * (i + 2 * L), LE);
      a0 = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, i), a0);
      a1 = v.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, i + L), a1);
      a2 = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, i + 2 * L), a2);
      a3 = u.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, i + 3 * L), a3);
    }
    for (; i <= n - 2 * L; i += 2 * L) {
      IntVector v = IntVector.fromMemorySegment(I, w, off + 2L * i, LE);
      a0 = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, i), a0);
      a1 = v.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, i + L), a1);
    }
    float s = sumLanes(a0.add(a1).add(a2.add(a3)));
    for (; i < n; i++) {
      s += Float.intBitsToFloat((w.get(SHORT, off + 2L * i) & 0xFFFF) << 16) * paired[i];
    }
    return s;
  }

  /** Q8_0 blocks at {@code w[off]} times {@code x[xo, xo + n)}; {@code n} is a multiple of 32. */
  static float q8(MemorySegment w, long off, float[] x, int xo, int n) {
    // Two blocks a step, each with its own accumulator: the scale's FMA does not wait on the last.
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    int blocks = n / Q8_BLOCK;
    int b = 0;
    for (; b + 1 < blocks; b += 2) {
      long block0 = off + (long) b * Q8_BLOCK_BYTES;
      long block1 = block0 + Q8_BLOCK_BYTES;
      int xb = xo + b * Q8_BLOCK;
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      for (int k = 0; k < Q8_BLOCK; k += L) { // 2 or 4 steps: unrolled by C2
        s0 = ((FloatVector) ByteVector.fromMemorySegment(Q, w, block0 + 2 + k, LE)
            .convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + k), s0);
        s1 = ((FloatVector) ByteVector.fromMemorySegment(Q, w, block1 + 2 + k, LE)
            .convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, xb + Q8_BLOCK + k), s1);
      }
      acc0 = s0.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, block0))), acc0);
      acc1 = s1.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, block1))), acc1);
    }
    if (b < blocks) {
      long block = off + (long) b * Q8_BLOCK_BYTES;
      FloatVector s0 = FloatVector.zero(F);
      for (int k = 0; k < Q8_BLOCK; k += L) {
        s0 = ((FloatVector) ByteVector.fromMemorySegment(Q, w, block + 2 + k, LE)
            .convertShape(VectorOperators.B2F, F, 0)).fma(FloatVector.fromArray(F, x, xo + b * Q8_BLOCK + k), s0);
      }
      acc0 = s0.fma(FloatVector.broadcast(F, Float.float16ToFloat(w.get(SHORT, block))), acc0);
    }
    return sumLanes(acc0.add(acc1));
  }

  /** {@code n} weights of {@code type} at {@code src[off]} widened to float32 at {@code dst[dstOff]}. */
  static void widenRow(WeightType type, MemorySegment src, long off, int n, MemorySegment dst, long dstOff) {
    int i = 0;
    switch (type) {
      case F32 -> MemorySegment.copy(src, off, dst, dstOff, 4L * n);
      case F16 -> {
        for (; i < n; i++) { // vectorized by C2 (F16C)
          dst.set(FLOAT, dstOff + 4L * i, Float.float16ToFloat(src.get(SHORT, off + 2L * i)));
        }
      }
      case BF16 -> {
        for (; i <= n - L; i += L) {
          IntVector v = (IntVector) ShortVector.fromMemorySegment(H, src, off + 2L * i, LE)
              .convertShape(VectorOperators.S2I, I, 0);
          v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoMemorySegment(dst, dstOff + 4L * i, LE);
        }
        for (; i < n; i++) {
          dst.set(FLOAT, dstOff + 4L * i, Float.intBitsToFloat((src.get(SHORT, off + 2L * i) & 0xFFFF) << 16));
        }
      }
      case Q8_0 -> {
        for (int b = 0; b < n / Q8_BLOCK; b++) {
          long block = off + (long) b * Q8_BLOCK_BYTES;
          FloatVector d = FloatVector.broadcast(F, Float.float16ToFloat(src.get(SHORT, block)));
          for (int k = 0; k < Q8_BLOCK; k += L) {
            ((FloatVector) ByteVector.fromMemorySegment(Q, src, block + 2 + k, LE)
                .convertShape(VectorOperators.B2F, F, 0))
                .mul(d)
                .intoMemorySegment(dst, dstOff + 4L * (b * Q8_BLOCK + k), LE);
          }
        }
      }
    }
  }

  /** The sum of floats {@code [lo, hi)} of {@code data}, four accumulators wide. */
  static double sum(MemorySegment data, long lo, long hi) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    long i = lo;
    for (; i <= hi - 4L * L; i += 4L * L) {
      a0 = a0.add(FloatVector.fromMemorySegment(F, data, 4 * i, LE));
      a1 = a1.add(FloatVector.fromMemorySegment(F, data, 4 * (i + L), LE));
      a2 = a2.add(FloatVector.fromMemorySegment(F, data, 4 * (i + 2L * L), LE));
      a3 = a3.add(FloatVector.fromMemorySegment(F, data, 4 * (i + 3L * L), LE));
    }
    double s = a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    for (; i < hi; i++) {
      s += data.get(FLOAT, 4 * i);
    }
    return s;
  }

  /** BLOOM's tanh GELU in place, with the vector tanh. */
  static void geluTanh(float[] x, int from, int n) {
    int i = from;
    int end = from + n;
    for (; i <= end - L; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, i);
      FloatVector inner = v.mul(v).mul(0.044715f).add(1f).mul(v).mul(Gelu.SQRT_2_OVER_PI);
      v.mul(0.5f).mul(inner.lanewise(VectorOperators.TANH).add(1f)).intoArray(x, i);
    }
    for (; i < end; i++) {
      x[i] = Gelu.tanhForm(x[i]);
    }
  }

  /** Exact GELU in place, erf as in {@link Gelu#erf}. */
  static void geluExact(float[] x, int from, int n) {
    int i = from;
    int end = from + n;
    for (; i <= end - L; i += L) {
      FloatVector v = FloatVector.fromArray(F, x, i);
      FloatVector u = v.mul(Gelu.INV_SQRT_2);
      FloatVector a = u.abs();
      FloatVector t = ONE.div(a.mul(Gelu.P).add(1f));
      FloatVector poly = t.mul(Gelu.A5).add(Gelu.A4).mul(t).add(Gelu.A3).mul(t)
          .add(Gelu.A2).mul(t).add(Gelu.A1).mul(t);
      FloatVector e = poly.mul(a.mul(a).neg().lanewise(VectorOperators.EXP)).neg().add(1f);
      VectorMask<Float> negative = u.lt(0f);
      FloatVector erf = e.blend(e.neg(), negative);
      v.mul(0.5f).mul(erf.add(1f)).intoArray(x, i);
    }
    for (; i < end; i++) {
      x[i] = Gelu.exact(x[i]);
    }
  }
}
