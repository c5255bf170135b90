package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.io.AtomicFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a float32 matrix in NumPy's {@code .npy} format, version 1.0, little-endian, C order,
 * one row at a time: the header states the shape, so rows can be written as they are computed
 * and the matrix never has to be in memory whole.
 */
public final class NpyWriter {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

  private final WritableByteChannel out;
  private final long rows;
  private final int cols;
  private final ByteBuffer row;
  private long written;

  private NpyWriter(WritableByteChannel out, long rows, int cols) {
    this.out = out;
    this.rows = rows;
    this.cols = cols;
    this.row = ByteBuffer.allocate(cols * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Writes the header of a {@code [rows, cols]} array to {@code out}; then call {@link #writeRow}. */
  public static NpyWriter start(WritableByteChannel out, long rows, int cols) throws IOException {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
    // Magic (8) + header length (2) + dict + padding + '\n' must be a multiple of 64.
    int unpadded = MAGIC.length + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    byte[] header = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.US_ASCII);
    ByteBuffer preamble = ByteBuffer.allocate(MAGIC.length + 2 + header.length).order(ByteOrder.LITTLE_ENDIAN);
    preamble.put(MAGIC).putShort((short) header.length).put(header).flip();
    writeFully(out, preamble);
    return new NpyWriter(out, rows, cols);
  }

  /** Writes the next row, which must have {@code cols} values. */
  public void writeRow(float[] values) throws IOException {
    if (values.length != cols) {
      throw new IllegalArgumentException("ragged rows: " + values.length + " != " + cols);
    }
    if (written == rows) {
      throw new IllegalStateException("all " + rows + " rows are written already");
    }
    row.clear();
    row.asFloatBuffer().put(values);
    writeFully(out, row);
    written++;
  }

  /** Checks that every row the header announced was written. */
  public void finish() {
    if (written != rows) {
      throw new IllegalStateException("wrote " + written + " of " + rows + " rows");
    }
  }

  /**
   * Writes {@code rows} (all of equal length) as an array of shape {@code [rows, cols]},
   * replacing {@code file} atomically.
   */
  public static void write(Path file, float[][] rows) throws IOException {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    AtomicFile.write(file, tmp -> {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        NpyWriter w = start(ch, rows.length, cols);
        for (float[] r : rows) {
          w.writeRow(r);
        }
        w.finish();
      }
    });
  }

  private static void writeFully(WritableByteChannel out, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      out.write(buffer);
    }
  }
}
