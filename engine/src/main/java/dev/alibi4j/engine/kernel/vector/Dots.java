package dev.alibi4j.engine.kernel.vector;

import dev.alibi4j.engine.kernel.Gelu;
import dev.alibi4j.engine.tensor.WeightType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
  /** Rotations by 8 (512-bit vectors only), 4, 2 and 1 lanes, for {@link #sumLanes}. */
  private static final VectorShuffle<Float> ROTATE_8 = rotation(8);
  private static final VectorShuffle<Float> ROTATE_4 = rotation(4);
  private static final VectorShuffle<Float> ROTATE_2 = rotation(2);
  private static final VectorShuffle<Float> ROTATE_1 = rotation(1);

  private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
  private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
  private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
  private static final FloatVector ONE = FloatVector.broadcast(F, 1f);
  private static final int Q8_BLOCK = 32;
  private static final int Q8_BLOCK_BYTES = 34;

  private Dots() {}

  private static VectorShuffle<Float> rotation(int shift) {
    return VectorShuffle.fromOp(F, i -> (i + shift) % L);
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
    // Unrolled (L is a constant): a loop over the shuffle list cost an iterator per call, and
    // a call per output row of every product.
    if (L == 16) {
      v = v.add(v.rearrange(ROTATE_8));
    }
    v = v.add(v.rearrange(ROTATE_4));
    v = v.add(v.rearrange(ROTATE_2));
    v = v.add(v.rearrange(ROTATE_1));
    return v.lane(0);
  }

  /**
   * Rearranges {@code x[xo, xo + n)} into {@code paired[po, po + n)} for the paired 16-bit loops:
   * in each group of {@code 2L}, the even elements, then the odd ones; a last partial group stays
   * in order.
   */
  static void pairUp(float[] x, int xo, int n, float[] paired, int po) {
    int g = 0;
    for (; g <= n - 2 * L; g += 2 * L) {
      for (int j = 0; j < L; j++) {
        paired[po + g + j] = x[xo + g + 2 * j];
        paired[po + g + L + j] = x[xo + g + 2 * j + 1];
      }
    }
    System.arraycopy(x, xo + g, paired, po + g, n - g);
  }

  /**
   * float16 weights at {@code w[off]} times {@code x[xo, xo + n)}, through {@code row} (at least
   * {@code n} floats): the row is widened first by a plain loop that C2 compiles to the CPU's
   * half-to-float instruction (F16C, exact, subnormals included), then dotted in float32.
   * Widening by integer operations instead is slower here: a float16 subnormal becomes a float32
   * subnormal, and multiplying one costs a microcode assist of about a hundred cycles.
   */
  static float f16(MemorySegment w, long off, float[] x, int xo, int n, float[] row, short[] bits) {
    widenHalves(w, off, n, row, bits);
    return f32(row, x, xo, n);
  }

  /**
   * {@code n} halves at {@code w[off]} as floats into {@code row}, through {@code bits} (at least
   * {@code n} shorts): one bulk copy out of the segment, then a loop over arrays that C2
   * compiles to the CPU's conversion instruction. Reading the segment element by element kept
   * a bounds and liveness check per half, and ran at a third of the speed.
   */
  static void widenHalves(MemorySegment w, long off, int n, float[] row, short[] bits) {
    MemorySegment.copy(w, SHORT, off, bits, 0, n);
    for (int i = 0; i < n; i++) {
      row[i] = Float.float16ToFloat(bits[i]);
    }
  }

  /** {@code Σ a[i] x[xo + i]} over float arrays. */
  static float f32(float[] a, float[] x, int xo, int n) {
    return f32(a, 0, x, xo, n);
  }

  /** {@code Σ a[ao + i] x[xo + i]} over float arrays: the same steps whatever {@code ao}. */
  static float f32(float[] a, int ao, float[] x, int xo, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      a0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, x, xo + i), a0);
      a1 = FloatVector.fromArray(F, a, ao + i + L).fma(FloatVector.fromArray(F, x, xo + i + L), a1);
      a2 = FloatVector.fromArray(F, a, ao + i + 2 * L).fma(FloatVector.fromArray(F, x, xo + i + 2 * L), a2);
      a3 = FloatVector.fromArray(F, a, ao + i + 3 * L).fma(FloatVector.fromArray(F, x, xo + i + 3 * L), a3);
    }
    for (; i <= n - L; i += L) {
      a0 = FloatVector.fromArray(F, a, ao + i).fma(FloatVector.fromArray(F, x, xo + i), a0);
    }
    float s = sumLanes(a0.add(a1).add(a2.add(a3)));
    for (; i < n; i++) {
      s += a[ao + i] * x[xo + i];
    }
    return s;
  }

  /**
   * {@link #f32(float[], float[], int, int)} for four activation rows at once, at {@code x[xo]},
   * {@code x[xo + stride]}, ...: each weight vector is loaded once for the four, and each row's
   * sum takes the very steps of the one-row loop (its own four accumulators, the same order), so
   * the results are the same bits. Writes {@code y[yo]}, {@code y[yo + ys]}, ...
   */
  static void f32Rows4(float[] a, float[] x, int xo, int stride, int n, float[] y, int yo, int ys) {
    FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
    FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
    FloatVector d0 = a0, d1 = a0, d2 = a0, d3 = a0;
    int xa = xo;
    int xb = xo + stride;
    int xc = xo + 2 * stride;
    int xd = xo + 3 * stride;
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      FloatVector w0 = FloatVector.fromArray(F, a, i);
      FloatVector w1 = FloatVector.fromArray(F, a, i + L);
      FloatVector w2 = FloatVector.fromArray(F, a, i + 2 * L);
      FloatVector w3 = FloatVector.fromArray(F, a, i + 3 * L);
      a0 = w0.fma(FloatVector.fromArray(F, x, xa + i), a0);
      a1 = w1.fma(FloatVector.fromArray(F, x, xa + i + L), a1);
      a2 = w2.fma(FloatVector.fromArray(F, x, xa + i + 2 * L), a2);
      a3 = w3.fma(FloatVector.fromArray(F, x, xa + i + 3 * L), a3);
      b0 = w0.fma(FloatVector.fromArray(F, x, xb + i), b0);
      b1 = w1.fma(FloatVector.fromArray(F, x, xb + i + L), b1);
      b2 = w2.fma(FloatVector.fromArray(F, x, xb + i + 2 * L), b2);
      b3 = w3.fma(FloatVector.fromArray(F, x, xb + i + 3 * L), b3);
      c0 = w0.fma(FloatVector.fromArray(F, x, xc + i), c0);
      c1 = w1.fma(FloatVector.fromArray(F, x, xc + i + L), c1);
      c2 = w2.fma(FloatVector.fromArray(F, x, xc + i + 2 * L), c2);
      c3 = w3.fma(FloatVector.fromArray(F, x, xc + i + 3 * L), c3);
      d0 = w0.fma(FloatVector.fromArray(F, x, xd + i), d0);
      d1 = w1.fma(FloatVector.fromArray(F, x, xd + i + L), d1);
      d2 = w2.fma(FloatVector.fromArray(F, x, xd + i + 2 * L), d2);
      d3 = w3.fma(FloatVector.fromArray(F, x, xd + i + 3 * L), d3);
    }
    for (; i <= n - L; i += L) {
      FloatVector w0 = FloatVector.fromArray(F, a, i);
      a0 = w0.fma(FloatVector.fromArray(F, x, xa + i), a0);
      b0 = w0.fma(FloatVector.fromArray(F, x, xb + i), b0);
      c0 = w0.fma(FloatVector.fromArray(F, x, xc + i), c0);
      d0 = w0.fma(FloatVector.fromArray(F, x, xd + i), d0);
    }
    float sa = sumLanes(a0.add(a1).add(a2.add(a3)));
    float sb = sumLanes(b0.add(b1).add(b2.add(b3)));
    float sc = sumLanes(c0.add(c1).add(c2.add(c3)));
    float sd = sumLanes(d0.add(d1).add(d2.add(d3)));
    for (; i < n; i++) {
      sa += a[i] * x[xa + i];
      sb += a[i] * x[xb + i];
      sc += a[i] * x[xc + i];
      sd += a[i] * x[xd + i];
    }
    y[yo] = sa;
    y[yo + ys] = sb;
    y[yo + 2 * ys] = sc;
    y[yo + 3 * ys] = sd;
  }

  /** bfloat16 weights at {@code w[off]} times {@code paired[po, po + n)}: a bfloat16 is a float's top half. */
  static float bf16Paired(MemorySegment w, long off, float[] paired, int po, int n) {
    FloatVector a0 = FloatVector.zero(F);
    FloatVector a1 = FloatVector.zero(F);
    FloatVector a2 = FloatVector.zero(F);
    FloatVector a3 = FloatVector.zero(F);
    int i = 0;
    for (; i <= n - 4 * L; i += 4 * L) {
      IntVector v = IntVector.fromMemorySegment(I, w, off + 2L * i, LE); // two bfloat16s a lane
      IntVector u = IntVector.fromMemorySegment(I, w, off + 2L * (i + 2 * L), LE);
      a0 = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, po + i), a0);
      a1 = v.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, po + i + L), a1);
      a2 = u.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, po + i + 2 * L), a2);
      a3 = u.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, po + i + 3 * L), a3);
    }
    for (; i <= n - 2 * L; i += 2 * L) {
      IntVector v = IntVector.fromMemorySegment(I, w, off + 2L * i, LE);
      a0 = v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, po + i), a0);
      a1 = v.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, paired, po + i + L), a1);
    }
    float s = sumLanes(a0.add(a1).add(a2.add(a3)));
    for (; i < n; i++) {
      s += Float.intBitsToFloat((w.get(SHORT, off + 2L * i) & 0xFFFF) << 16) * paired[po + i];
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

  /**
   * A Q8_0 row's int8 values as floats (exact) into {@code values[0, n)} and its block scales
   * into {@code scales}: the row is then dotted with several activation rows by {@link
   * #q8Widened} without converting it again.
   */
  static void q8Unpack(MemorySegment w, long off, int n, float[] values, float[] scales) {
    for (int b = 0; b < n / Q8_BLOCK; b++) {
      long block = off + (long) b * Q8_BLOCK_BYTES;
      scales[b] = Float.float16ToFloat(w.get(SHORT, block));
      for (int k = 0; k < Q8_BLOCK; k += L) {
        ((FloatVector) ByteVector.fromMemorySegment(Q, w, block + 2 + k, LE)
            .convertShape(VectorOperators.B2F, F, 0)).intoArray(values, b * Q8_BLOCK + k);
      }
    }
  }

  /**
   * {@link #q8} over a row unpacked by {@link #q8Unpack}: the same operations in the same order
   * (the int8-to-float conversion is exact), so the same result to the last bit.
   */
  static float q8Widened(float[] values, float[] scales, float[] x, int xo, int n) {
    FloatVector acc0 = FloatVector.zero(F);
    FloatVector acc1 = FloatVector.zero(F);
    int blocks = n / Q8_BLOCK;
    int b = 0;
    for (; b + 1 < blocks; b += 2) {
      int v0 = b * Q8_BLOCK;
      int xb = xo + v0;
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      for (int k = 0; k < Q8_BLOCK; k += L) {
        s0 = FloatVector.fromArray(F, values, v0 + k).fma(FloatVector.fromArray(F, x, xb + k), s0);
        s1 = FloatVector.fromArray(F, values, v0 + Q8_BLOCK + k).fma(FloatVector.fromArray(F, x, xb + Q8_BLOCK + k), s1);
      }
      acc0 = s0.fma(FloatVector.broadcast(F, scales[b]), acc0);
      acc1 = s1.fma(FloatVector.broadcast(F, scales[b + 1]), acc1);
    }
    if (b < blocks) {
      int v0 = b * Q8_BLOCK;
      FloatVector s0 = FloatVector.zero(F);
      for (int k = 0; k < Q8_BLOCK; k += L) {
        s0 = FloatVector.fromArray(F, values, v0 + k).fma(FloatVector.fromArray(F, x, xo + v0 + k), s0);
      }
      acc0 = s0.fma(FloatVector.broadcast(F, scales[b]), acc0);
    }
    return sumLanes(acc0.add(acc1));
  }

  /**
   * {@link #q8Widened} for four activation rows at once (see {@link #f32Rows4}): each row's sum
   * takes the one-row steps, so the results are the same bits.
   */
  static void q8WidenedRows4(float[] values, float[] scales, float[] x, int xo, int stride, int n,
      float[] y, int yo, int ys) {
    FloatVector a0 = FloatVector.zero(F), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, d0 = a0, d1 = a0;
    int xa = xo;
    int xb = xo + stride;
    int xc = xo + 2 * stride;
    int xd = xo + 3 * stride;
    int blocks = n / Q8_BLOCK;
    int b = 0;
    for (; b + 1 < blocks; b += 2) {
      int v0 = b * Q8_BLOCK;
      FloatVector sa0 = FloatVector.zero(F), sa1 = sa0, sb0 = sa0, sb1 = sa0, sc0 = sa0, sc1 = sa0, sd0 = sa0, sd1 = sa0;
      for (int k = 0; k < Q8_BLOCK; k += L) {
        FloatVector w0 = FloatVector.fromArray(F, values, v0 + k);
        FloatVector w1 = FloatVector.fromArray(F, values, v0 + Q8_BLOCK + k);
        sa0 = w0.fma(FloatVector.fromArray(F, x, xa + v0 + k), sa0);
        sa1 = w1.fma(FloatVector.fromArray(F, x, xa + v0 + Q8_BLOCK + k), sa1);
        sb0 = w0.fma(FloatVector.fromArray(F, x, xb + v0 + k), sb0);
        sb1 = w1.fma(FloatVector.fromArray(F, x, xb + v0 + Q8_BLOCK + k), sb1);
        sc0 = w0.fma(FloatVector.fromArray(F, x, xc + v0 + k), sc0);
        sc1 = w1.fma(FloatVector.fromArray(F, x, xc + v0 + Q8_BLOCK + k), sc1);
        sd0 = w0.fma(FloatVector.fromArray(F, x, xd + v0 + k), sd0);
        sd1 = w1.fma(FloatVector.fromArray(F, x, xd + v0 + Q8_BLOCK + k), sd1);
      }
      FloatVector d0s = FloatVector.broadcast(F, scales[b]);
      FloatVector d1s = FloatVector.broadcast(F, scales[b + 1]);
      a0 = sa0.fma(d0s, a0);
      a1 = sa1.fma(d1s, a1);
      b0 = sb0.fma(d0s, b0);
      b1 = sb1.fma(d1s, b1);
      c0 = sc0.fma(d0s, c0);
      c1 = sc1.fma(d1s, c1);
      d0 = sd0.fma(d0s, d0);
      d1 = sd1.fma(d1s, d1);
    }
    if (b < blocks) {
      int v0 = b * Q8_BLOCK;
      FloatVector sa = FloatVector.zero(F), sb = sa, sc = sa, sd = sa;
      for (int k = 0; k < Q8_BLOCK; k += L) {
        FloatVector w0 = FloatVector.fromArray(F, values, v0 + k);
        sa = w0.fma(FloatVector.fromArray(F, x, xa + v0 + k), sa);
        sb = w0.fma(FloatVector.fromArray(F, x, xb + v0 + k), sb);
        sc = w0.fma(FloatVector.fromArray(F, x, xc + v0 + k), sc);
        sd = w0.fma(FloatVector.fromArray(F, x, xd + v0 + k), sd);
      }
      FloatVector ds = FloatVector.broadcast(F, scales[b]);
      a0 = sa.fma(ds, a0);
      b0 = sb.fma(ds, b0);
      c0 = sc.fma(ds, c0);
      d0 = sd.fma(ds, d0);
    }
    y[yo] = sumLanes(a0.add(a1));
    y[yo + ys] = sumLanes(b0.add(b1));
    y[yo + 2 * ys] = sumLanes(c0.add(c1));
    y[yo + 3 * ys] = sumLanes(d0.add(d1));
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
      // tanh(z) = 1 - 2 / (e^{2z} + 1), e^{2z} by exp(): see there for why not lanewise(TANH).
      FloatVector tanh = ONE.sub(FloatVector.broadcast(F, 2f).div(exp(inner.add(inner)).add(1f)));
      v.mul(0.5f).mul(tanh.add(1f)).intoArray(x, i);
    }
    for (; i < end; i++) {
      x[i] = Gelu.tanhForm(x[i]);
    }
  }

  private static final float LOG2E = 1.44269504f;
  private static final float LN2_HI = 0.693145751953125f; // ln 2 in 16 bits: k·LN2_HI is exact
  private static final float LN2_LO = 1.428606765330187e-6f;
  private static final float ROUNDER = 12582912f; // 1.5·2^23: x + it - it rounds x to an integer

  /**
   * e^x per lane from additions, multiplications and integer operations only. The Vector API's
   * {@code lanewise(EXP)} and {@code TANH} give other bits once C2 compiles them (a vector math
   * library) than before (Java's scalar functions), so the same row could come out differently
   * early and late in a run, or alone and in a batch; these operations round the same way
   * compiled or not. Range reduction x = k·ln2 + r, |r| ≤ ln2/2, then a degree-7 Taylor
   * polynomial (error below 2^-24) scaled by 2^k built from its bits. Inputs are clamped to
   * [-87, 88]: e^-87 stands for smaller values, far below what GELU can see.
   */
  private static FloatVector exp(FloatVector x) {
    FloatVector c = x.max(-87f).min(88f);
    FloatVector k = c.mul(LOG2E).add(ROUNDER).sub(ROUNDER);
    FloatVector r = k.neg().fma(FloatVector.broadcast(F, LN2_HI), c);
    r = k.neg().fma(FloatVector.broadcast(F, LN2_LO), r);
    FloatVector p = r.mul(1f / 5040).add(1f / 720).mul(r).add(1f / 120).mul(r).add(1f / 24)
        .mul(r).add(1f / 6).mul(r).add(0.5f).mul(r).add(1f).mul(r).add(1f);
    IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
    return p.mul(bits.reinterpretAsFloats());
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
      FloatVector e = poly.mul(exp(a.mul(a).neg())).neg().add(1f);
      VectorMask<Float> negative = u.lt(0f);
      FloatVector erf = e.blend(e.neg(), negative);
      v.mul(0.5f).mul(erf.add(1f)).intoArray(x, i);
    }
    for (; i < end; i++) {
      x[i] = Gelu.exact(x[i]);
    }
  }
}
