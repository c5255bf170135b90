package dev.alibi4j.model.pytorch;

/**
 * One entry of a zip archive's central directory, sizes and offset already widened from ZIP64.
 *
 * @param name the entry's path inside the archive
 * @param method compression method ({@value #STORED}: stored, {@value #DEFLATED}: deflated)
 * @param flags general purpose flags (bit 0: encrypted)
 * @param compressedSize bytes of data in the file
 * @param size bytes once uncompressed
 * @param localHeaderOffset where the entry's local header starts in the file
 */
record ZipEntry(String name, int method, int flags, long compressedSize, long size, long localHeaderOffset) {

  /** Compression method of data stored as is. */
  static final int STORED = 0;

  /** Compression method of deflated data. */
  static final int DEFLATED = 8;

  /** Whether the entry is encrypted. */
  boolean encrypted() {
    return (flags & 1) != 0;
  }
}
