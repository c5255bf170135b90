package dev.alibi4j.model.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.alibi4j.engine.reference.ReferenceBf16;
import dev.alibi4j.engine.reference.ReferenceHalf;
import dev.alibi4j.engine.reference.ReferenceQ8;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.TinyCheckpoints.Written;
import dev.alibi4j.model.testing.WeightNames.Loaded;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a checkpoint's matrices must hold once loaded in a {@link WeightType}, computed from the
 * formats' definitions (the engine test-jar's {@code Reference*} classes), never with the
 * engine's own converters: float16 and bfloat16 round the stored value to nearest even, Q8_0
 * quantizes as llama.cpp's {@code quantize_row_q8_0_ref} and holds the dequantized blocks.
 * Vectors are always float32, so they hold the stored values.
 */
public final class HeldValues {

  private HeldValues() {}

  /** The weight type of a tensor stored as {@code dtype}. */
  public static WeightType typeOf(SafetensorsDtype dtype) {
    return switch (dtype) {
      case F32 -> WeightType.F32;
      case F16 -> WeightType.F16;
      case BF16 -> WeightType.BF16;
      default -> throw new IllegalArgumentException("not a weight type: " + dtype);
    };
  }

  /**
   * The type a matrix with rows of {@code cols} is held in: as stored when {@code requested} is
   * null; float32 for a Q8_0 request on rows that do not divide into blocks of 32 (as llama.cpp);
   * else the requested type.
   */
  public static WeightType heldType(SafetensorsDtype stored, WeightType requested, long cols) {
    if (requested == null) {
      return typeOf(stored);
    }
    if (requested == WeightType.Q8_0 && cols % ReferenceQ8.BLOCK != 0) {
      return WeightType.F32;
    }
    return requested;
  }

  /** The values rows of {@code cols} {@code stored} values hold in {@code held}. */
  public static float[] values(float[] stored, int cols, WeightType held) {
    float[] out = new float[stored.length];
    switch (held) {
      case F32 -> System.arraycopy(stored, 0, out, 0, stored.length);
      case F16 -> {
        for (int i = 0; i < stored.length; i++) {
          out[i] = (float) ReferenceHalf.round(stored[i]);
        }
      }
      case BF16 -> {
        for (int i = 0; i < stored.length; i++) {
          out[i] = (float) ReferenceBf16.round(stored[i]);
        }
      }
      case Q8_0 -> {
        byte[] bytes = q8Bytes(stored, cols);
        double[] dequantized = ReferenceQ8.dequantize(MemorySegment.ofArray(bytes), 0, stored.length);
        for (int i = 0; i < stored.length; i++) {
          out[i] = (float) dequantized[i]; // exact: a half times a byte fits a float
        }
      }
    }
    return out;
  }

  /** The Q8_0 bytes of rows of {@code cols} (a multiple of 32) {@code stored} values. */
  public static byte[] q8Bytes(float[] stored, int cols) {
    if (cols % ReferenceQ8.BLOCK != 0) {
      throw new IllegalArgumentException("Q8_0 rows of " + cols);
    }
    int blocks = stored.length / ReferenceQ8.BLOCK;
    byte[] bytes = new byte[blocks * ReferenceQ8.BLOCK_BYTES];
    for (int b = 0; b < blocks; b++) {
      // rows are whole blocks, so the blocks of consecutive rows are consecutive too
      byte[] block = ReferenceQ8.quantizeBlock(stored, b * ReferenceQ8.BLOCK);
      System.arraycopy(block, 0, bytes, b * ReferenceQ8.BLOCK_BYTES, block.length);
    }
    return bytes;
  }

  /**
   * {@code written} as a checkpoint stored as {@code stored} holds it once loaded with {@code
   * requested} (null: as stored): matrices replaced by their held values, vectors unchanged.
   */
  public static Written held(Written written, SafetensorsDtype stored, WeightType requested) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : written.values().entrySet()) {
      long[] shape = written.shape(e.getKey());
      if (shape.length == 2) {
        int cols = (int) shape[1];
        values.put(e.getKey(), values(e.getValue(), cols, heldType(stored, requested, cols)));
      } else {
        values.put(e.getKey(), e.getValue());
      }
    }
    return new Written(written.dir(), values, written.shapes());
  }

  /**
   * Every loaded weight has its written shape; every matrix the held type and exactly the held
   * values; every vector exactly the stored float32 values.
   */
  public static void assertHeld(
      Written written, SafetensorsDtype stored, WeightType requested, Map<String, Loaded> loaded) {
    String embeddings = written.values().containsKey("wte.weight") ? "wte.weight" : "word_embeddings.weight";
    for (Map.Entry<String, Loaded> e : loaded.entrySet()) {
      String name = e.getKey();
      String source = name.equals("lm_head.weight") && !written.values().containsKey(name)
          ? embeddings : name;
      Loaded l = e.getValue();
      long[] shape = written.shape(source);
      assertArrayEquals(shape, l.shape(), name);
      if (l.matrix() == null) {
        assertArrayEquals(written.values(source), l.values(), name);
      } else {
        WeightType held = heldType(stored, requested, shape[1]);
        assertEquals(held, l.matrix().type(), name);
        // delta 0: equal values, where the references may give +0 for a -0
        assertArrayEquals(values(written.values(source), (int) shape[1], held), l.values(), 0f, name);
      }
    }
  }
}
