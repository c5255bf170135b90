package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of 2-D little-endian float32 {@code .npy} files, version 1.0, written from the
 * NumPy format specification (numpy/lib/format.py), independent of {@link NpyWriter}. Every rule
 * of the format is asserted while reading.
 */
final class NpyReader {

  private static final Pattern DICT = Pattern.compile(
      "\\{'descr': *'(?<descr>[^']*)', *'fortran_order': *(?<fortran>True|False), *"
          + "'shape': *\\((?<rows>\\d+), *(?<cols>\\d+)\\), *\\} *");

  /** The parsed file. */
  record Npy(int headerLength, String header, int rows, int cols, float[][] values) {}

  private NpyReader() {}

  static Npy read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    assertTrue(bytes.length >= 10, "file shorter than the preamble: " + bytes.length);
    assertEquals((byte) 0x93, bytes[0], "magic byte 0");
    assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII), "magic string");
    assertEquals(1, bytes[6], "major version");
    assertEquals(0, bytes[7], "minor version");
    int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8; // uint16 little-endian
    assertEquals(0, (10 + headerLength) % 64, "data must start on a 64-byte boundary");
    String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
    assertTrue(header.endsWith("\n"), "header must end with a newline: " + header);
    String dict = header.substring(0, header.length() - 1);
    Matcher m = DICT.matcher(dict);
    assertTrue(m.matches(), "header dict: " + dict);
    assertEquals("<f4", m.group("descr"));
    assertEquals("False", m.group("fortran"));
    int rows = Integer.parseInt(m.group("rows"));
    int cols = Integer.parseInt(m.group("cols"));
    int dataStart = 10 + headerLength;
    assertEquals((long) rows * cols * 4, bytes.length - dataStart, "data bytes");
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, bytes.length - dataStart).order(ByteOrder.LITTLE_ENDIAN);
    float[][] values = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        values[r][c] = data.getFloat();
      }
    }
    return new Npy(headerLength, header, rows, cols, values);
  }
}
