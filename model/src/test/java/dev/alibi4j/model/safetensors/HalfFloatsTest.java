package dev.alibi4j.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfFloatsTest {

  @Test
  void bf16RoundTripsEveryBitPattern() {
    for (int bits = 0; bits < 1 << 16; bits++) {
      float f = HalfFloats.bf16ToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals((short) bits, HalfFloats.floatToBf16(f), "bits " + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void bf16WidensByShifting() {
    assertEquals(1.0f, HalfFloats.bf16ToFloat((short) 0x3F80));
    assertEquals(-2.0f, HalfFloats.bf16ToFloat((short) 0xC000));
    assertEquals(Float.intBitsToFloat(0x3F810000), HalfFloats.bf16ToFloat((short) 0x3F81));
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3F80, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808000))); // tie, even below
    assertEquals((short) 0x3F82, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F818000))); // tie, even above
    assertEquals((short) 0x3F81, HalfFloats.floatToBf16(Float.intBitsToFloat(0x3F808001)));
    assertEquals((short) 0x7F80, HalfFloats.floatToBf16(Float.MAX_VALUE)); // rounds up to infinity
    assertEquals(true, Float.isNaN(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(Float.NaN))));
  }

  @Test
  void halfRoundTripsEveryBitPattern() {
    for (int bits = 0; bits < 1 << 16; bits++) {
      float f = HalfFloats.halfToFloat((short) bits);
      if (!Float.isNaN(f)) {
        assertEquals((short) bits, HalfFloats.floatToHalf(f), "bits " + Integer.toHexString(bits));
      }
    }
  }

  @Test
  void halfToFloatMatchesPyTorchForEveryBitPattern() {
    ByteBuffer bytes = ByteBuffer.allocateDirect(2 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (int bits = 0; bits < 1 << 16; bits++) {
      bytes.putShort((short) bits);
    }
    bytes.flip();
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        NDArray half = m.create(bytes, new Shape(1 << 16), DataType.FLOAT16);
        NDArray widened = half.toType(DataType.FLOAT32, true)) {
      float[] torch = widened.toFloatArray();
      for (int bits = 0; bits < 1 << 16; bits++) {
        float mine = HalfFloats.halfToFloat((short) bits);
        if (!Float.isNaN(mine) || !Float.isNaN(torch[bits])) {
          assertEquals(torch[bits], mine, "bits " + Integer.toHexString(bits));
        }
      }
    }
  }

  @Test
  void floatToHalfMatchesPyTorchRounding() {
    Random random = new Random(7);
    int n = 200_000;
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      // Random bit patterns over the half range, including subnormals, ties and overflow.
      int exponent = 100 + random.nextInt(50); // 2^-27 .. 2^22
      values[i] = Float.intBitsToFloat(
          (random.nextBoolean() ? 0x80000000 : 0) | (exponent << 23) | random.nextInt(1 << 23));
      if (i % 10 == 0) {
        values[i] = Float.intBitsToFloat(Float.floatToRawIntBits(values[i]) & ~0xFFF | 0x1000);
      }
    }
    values[0] = 65504f;
    values[1] = 65520f; // rounds to infinity
    values[2] = 0x1p-25f; // tie between 0 and the smallest subnormal
    values[3] = 0x1.8p-25f;
    values[4] = -0.0f;
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        NDArray floats = m.create(values);
        NDArray halves = floats.toType(DataType.FLOAT16, true)) {
      ByteBuffer torch = halves.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < n; i++) {
        assertEquals(torch.getShort(2 * i), HalfFloats.floatToHalf(values[i]), "value " + values[i]);
      }
    }
  }
}
