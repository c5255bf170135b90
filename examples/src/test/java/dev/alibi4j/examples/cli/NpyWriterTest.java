package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {

  @TempDir Path dir;

  private static void assertSameBits(float[][] expected, float[][] actual) {
    assertEquals(expected.length, actual.length, "rows");
    for (int r = 0; r < expected.length; r++) {
      assertEquals(expected[r].length, actual[r].length, "cols of row " + r);
      for (int c = 0; c < expected[r].length; c++) {
        assertEquals(Float.floatToRawIntBits(expected[r][c]), Float.floatToRawIntBits(actual[r][c]),
            "[" + r + "][" + c + "]: " + expected[r][c] + " vs " + actual[r][c]);
      }
    }
  }

  @Test
  void exactBytesOfASmallFileMatchNumpySave() throws Exception {
    Path file = dir.resolve("a.npy");
    NpyWriter.write(file, new float[][] {{1f, -2f}});
    // What numpy 2.4 np.save writes for np.array([[1, -2]], dtype='<f4'): a 128-byte preamble and
    // header (header length 118 = 0x76), then 1.0f = 00 00 80 3f and -2.0f = 00 00 00 c0.
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }";
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0});
    expected.write((dict + " ".repeat(58) + "\n").getBytes(StandardCharsets.US_ASCII));
    expected.write(new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0});
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
    assertEquals(dict, NpyReader.read(file).header().strip());
  }

  @Test
  void valuesRoundTripBitForBit() throws Exception {
    float[][] values = {
      {0f, -0f, 1.5f, -3.25e-7f},
      {Float.MAX_VALUE, Float.MIN_VALUE, Float.NaN, Float.NEGATIVE_INFINITY},
      {123456.789f, -1f, 2f, Float.intBitsToFloat(0x12345678)},
    };
    Path file = dir.resolve("v.npy");
    NpyWriter.write(file, values);
    NpyReader.Npy npy = NpyReader.read(file);
    assertEquals(3, npy.rows());
    assertEquals(4, npy.cols());
    assertSameBits(values, npy.values());
  }

  @Test
  void headerIsAlignedForEveryShapeWidth() throws Exception {
    // Shapes whose digits change the dict length, so every padding amount occurs.
    int[][] shapes = {{1, 1}, {9, 10}, {10, 99}, {100, 1000}, {12345, 1}, {1, 250880}, {0, 0}};
    for (int[] s : shapes) {
      float[][] values = new float[s[0]][s[1]];
      for (int r = 0; r < s[0]; r++) {
        for (int c = 0; c < s[1]; c++) {
          values[r][c] = r * 31 + c;
        }
      }
      Path file = dir.resolve("s" + s[0] + "x" + s[1] + ".npy");
      NpyWriter.write(file, values);
      NpyReader.Npy npy = NpyReader.read(file); // asserts alignment, dict and data length
      assertEquals(s[0], npy.rows());
      assertEquals(s[0] == 0 ? 0 : s[1], npy.cols());
      assertSameBits(values, npy.values());
    }
  }

  @Test
  void emptyRowsKeepTheirCount() throws Exception {
    Path file = dir.resolve("e.npy");
    NpyWriter.write(file, new float[][] {{}, {}});
    NpyReader.Npy npy = NpyReader.read(file);
    assertEquals(2, npy.rows());
    assertEquals(0, npy.cols());
  }

  @Test
  void raggedRowsAreRefused() {
    Path file = dir.resolve("r.npy");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> NpyWriter.write(file, new float[][] {{1, 2}, {3}}));
    assertEquals(true, e.getMessage().contains("ragged"), e.getMessage());
  }

  @Test
  void overwritesAnExistingFile() throws Exception {
    Path file = dir.resolve("o.npy");
    NpyWriter.write(file, new float[20][20]);
    NpyWriter.write(file, new float[][] {{7f}});
    NpyReader.Npy npy = NpyReader.read(file);
    assertSameBits(new float[][] {{7f}}, npy.values());
  }
}
