package dev.alibi4j.model.pytorch;

import dev.alibi4j.model.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The entries of a zip archive and where each one's data starts, read from the central directory
 * (ZIP64 included: shards of 7B models exceed 4 GiB) and the entries' local headers. {@code
 * java.util.zip.ZipFile} cannot say where an entry's bytes lie in the file, and they must be
 * mapped in place.
 */
final class ZipArchive {

  /** Largest central directory read: some 250,000 entries, where a checkpoint has thousands. */
  static final long MAX_DIRECTORY_BYTES = 16L << 20;

  private static final int EOCD = 0x06054b50;
  private static final int EOCD_BYTES = 22;
  private static final int ZIP64_LOCATOR = 0x07064b50;
  private static final int ZIP64_LOCATOR_BYTES = 20;
  private static final int ZIP64_EOCD = 0x06064b50;
  private static final int ZIP64_EOCD_BYTES = 56;
  private static final int CENTRAL = 0x02014b50;
  private static final int CENTRAL_BYTES = 46;
  private static final int LOCAL = 0x04034b50;
  private static final int LOCAL_BYTES = 30;
  private static final long U32_MAX = 0xFFFFFFFFL;
  private static final int ZIP64_EXTRA = 0x0001;

  private final Path path;
  private final FileChannel channel;
  private final long fileSize;
  private final Map<String, ZipEntry> entries;

  private ZipArchive(Path path, FileChannel channel, long fileSize, Map<String, ZipEntry> entries) {
    this.path = path;
    this.channel = channel;
    this.fileSize = fileSize;
    this.entries = entries;
  }

  /**
   * Reads the central directory of {@code path}, open as {@code channel}.
   *
   * @throws CheckpointException naming the file when the archive is malformed
   */
  static ZipArchive read(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    int tailBytes = (int) Math.min(size, EOCD_BYTES + 0xFFFF);
    ByteBuffer tail = readAt(channel, size - tailBytes, tailBytes);
    int at = findEndOfDirectory(tail);
    if (at < 0) {
      throw new CheckpointException(path + ": corrupt zip archive: no end of central directory (truncated file?)");
    }
    long eocd = size - tailBytes + at;
    if ((tail.getShort(at + 4) & 0xFFFF) != 0 || (tail.getShort(at + 6) & 0xFFFF) != 0) {
      throw new CheckpointException(path + ": multi-disk zip archives are not supported");
    }
    long count = tail.getShort(at + 10) & 0xFFFF;
    long directorySize = tail.getInt(at + 12) & U32_MAX;
    long directoryOffset = tail.getInt(at + 16) & U32_MAX;
    long directoryEnd = eocd;
    if (eocd >= ZIP64_LOCATOR_BYTES) {
      ByteBuffer locator = readAt(channel, eocd - ZIP64_LOCATOR_BYTES, ZIP64_LOCATOR_BYTES);
      if (locator.getInt(0) == ZIP64_LOCATOR) {
        long record = locator.getLong(8);
        if (record < 0 || record > eocd - ZIP64_LOCATOR_BYTES - ZIP64_EOCD_BYTES) {
          throw new CheckpointException(path + ": corrupt zip archive: ZIP64 end of directory at "
              + Long.toUnsignedString(record) + " lies outside the file");
        }
        ByteBuffer z = readAt(channel, record, ZIP64_EOCD_BYTES);
        if (z.getInt(0) != ZIP64_EOCD) {
          throw new CheckpointException(path + ": corrupt zip archive: no ZIP64 end of directory at " + record);
        }
        count = z.getLong(32);
        directorySize = z.getLong(40);
        directoryOffset = z.getLong(48);
        directoryEnd = record;
      }
    }
    if (directorySize < 0 || directoryOffset < 0 || directorySize > directoryEnd
        || directoryOffset > directoryEnd - directorySize) {
      throw new CheckpointException(path + ": corrupt zip archive: central directory of "
          + Long.toUnsignedString(directorySize) + " bytes at " + Long.toUnsignedString(directoryOffset)
          + " lies outside the file");
    }
    if (directorySize > MAX_DIRECTORY_BYTES) {
      throw new CheckpointException(path + ": zip central directory of " + directorySize
          + " bytes exceeds the limit of " + MAX_DIRECTORY_BYTES);
    }
    if (count < 0 || count > directorySize / CENTRAL_BYTES) {
      throw new CheckpointException(path + ": corrupt zip archive: " + Long.toUnsignedString(count)
          + " entries cannot fit a central directory of " + directorySize + " bytes");
    }
    ByteBuffer directory = readAt(channel, directoryOffset, (int) directorySize);
    Map<String, ZipEntry> entries = new LinkedHashMap<>();
    int p = 0;
    for (long i = 0; i < count; i++) {
      ZipEntry e = central(path, directory, p);
      if (entries.putIfAbsent(e.name(), e) != null) {
        throw new CheckpointException(path + ": zip archive holds entry " + Quoted.of(e.name()) + " twice");
      }
      p += CENTRAL_BYTES + (directory.getShort(p + 28) & 0xFFFF) + (directory.getShort(p + 30) & 0xFFFF)
          + (directory.getShort(p + 32) & 0xFFFF);
    }
    return new ZipArchive(path, channel, size, Collections.unmodifiableMap(entries));
  }

  /** Entries by name, in directory order. */
  Map<String, ZipEntry> entries() {
    return entries;
  }

  /**
   * Where {@code entry}'s data starts in the file, from its local header.
   *
   * @throws CheckpointException when the header is corrupt or the data runs past the end
   */
  long dataOffset(ZipEntry entry) throws IOException {
    String where = path + ": zip entry " + Quoted.of(entry.name());
    long header = entry.localHeaderOffset();
    if (header < 0 || header > fileSize - LOCAL_BYTES) {
      throw new CheckpointException(where + ": local header at " + Long.toUnsignedString(header)
          + " lies outside the file of " + fileSize + " bytes");
    }
    ByteBuffer local = readAt(channel, header, LOCAL_BYTES);
    if (local.getInt(0) != LOCAL) {
      throw new CheckpointException(where + ": no local header at " + header);
    }
    long data = header + LOCAL_BYTES + (local.getShort(26) & 0xFFFF) + (local.getShort(28) & 0xFFFF);
    if (entry.compressedSize() < 0 || data > fileSize || entry.compressedSize() > fileSize - data) {
      throw new CheckpointException(where + ": its " + Long.toUnsignedString(entry.compressedSize())
          + " bytes at " + data + " run past the end of the file (" + fileSize
          + " bytes): is the file truncated?");
    }
    return data;
  }

  /**
   * The data of {@code entry}, as stored (the caller checks its size and method).
   *
   * @throws CheckpointException as {@link #dataOffset}
   */
  byte[] read(ZipEntry entry) throws IOException {
    return readAt(channel, dataOffset(entry), Math.toIntExact(entry.compressedSize())).array();
  }

  /** The start of the end-of-directory record in {@code tail}, or -1: the last one that fits. */
  private static int findEndOfDirectory(ByteBuffer tail) {
    for (int at = tail.capacity() - EOCD_BYTES; at >= 0; at--) {
      if (tail.getInt(at) == EOCD && at + EOCD_BYTES + (tail.getShort(at + 20) & 0xFFFF) <= tail.capacity()) {
        return at;
      }
    }
    return -1;
  }

  private static ZipEntry central(Path path, ByteBuffer d, int p) {
    if (p > d.capacity() - CENTRAL_BYTES || d.getInt(p) != CENTRAL) {
      throw new CheckpointException(path + ": corrupt zip archive: no central directory entry at byte " + p);
    }
    int flags = d.getShort(p + 8) & 0xFFFF;
    int method = d.getShort(p + 10) & 0xFFFF;
    long compressed = d.getInt(p + 20) & U32_MAX;
    long size = d.getInt(p + 24) & U32_MAX;
    int nameLength = d.getShort(p + 28) & 0xFFFF;
    int extraLength = d.getShort(p + 30) & 0xFFFF;
    int commentLength = d.getShort(p + 32) & 0xFFFF;
    long offset = d.getInt(p + 42) & U32_MAX;
    int name = p + CENTRAL_BYTES;
    if (name + nameLength + extraLength + commentLength > d.capacity()) {
      throw new CheckpointException(path + ": corrupt zip archive: entry at byte " + p
          + " runs past the central directory");
    }
    byte[] nameBytes = new byte[nameLength];
    d.get(name, nameBytes);
    String entryName = new String(nameBytes, StandardCharsets.UTF_8);
    // ZIP64: each field saturated at 0xFFFFFFFF is in the extra field, in this order
    int q = name + nameLength;
    int extraEnd = q + extraLength;
    while (q + 4 <= extraEnd) {
      int id = d.getShort(q) & 0xFFFF;
      int length = d.getShort(q + 2) & 0xFFFF;
      int r = q + 4;
      int end = r + length;
      if (end > extraEnd) {
        break;
      }
      if (id == ZIP64_EXTRA) {
        if (size == U32_MAX) {
          size = zip64(path, entryName, d, r, end);
          r += 8;
        }
        if (compressed == U32_MAX) {
          compressed = zip64(path, entryName, d, r, end);
          r += 8;
        }
        if (offset == U32_MAX) {
          offset = zip64(path, entryName, d, r, end);
        }
      }
      q = end;
    }
    return new ZipEntry(entryName, method, flags, compressed, size, offset);
  }

  private static long zip64(Path path, String entry, ByteBuffer d, int at, int end) {
    if (at + 8 > end || d.getLong(at) < 0) {
      throw new CheckpointException(path + ": corrupt zip archive: bad ZIP64 field of entry " + Quoted.of(entry));
    }
    return d.getLong(at);
  }

  private static ByteBuffer readAt(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    long at = position;
    while (b.hasRemaining()) {
      int n = channel.read(b, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
    return b.clear();
  }
}
