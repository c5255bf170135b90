package dev.alibi4j.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.CheckpointFiles;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * One {@code .safetensors} file: an 8-byte little-endian header length N, N bytes of JSON header
 * ({@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}}), then the
 * data region, to which the offsets are relative.
 *
 * <p>Opening reads and validates only the header; the file is opened read-only. Tensors are
 * memory-mapped or read into native memory, never copied through a Java {@code byte[]}, so files
 * may exceed 2 GiB: {@link #map} gives a tensor's bytes as a read-only mapped segment of an arena
 * the caller owns (the weights' storage, or a temporary one while converting), {@link #copy} the
 * same bytes read into that arena's memory (immune to later changes of the file), {@link #read}
 * copies a tensor into an NDArray. Mappings, copies and arrays outlive {@link #close()}.
 */
public final class SafetensorsFile implements AutoCloseable {

  /** Largest header accepted, as in the reference implementation. */
  static final long MAX_HEADER_BYTES = 100_000_000L;

  /** Bytes read per call when copying a tensor (a ByteBuffer holds at most 2 GiB). */
  private static final int COPY_CHUNK_BYTES = 1 << 30;

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      FileChannel channel,
      long dataStart,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.channel = channel;
    this.dataStart = dataStart;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /**
   * Opens {@code path} and validates its header ({@link SafetensorsHeader}: every entry's dtype,
   * shape and data offsets, and that the tensors tile the data region).
   *
   * @throws CheckpointException naming the file and the problem (for an unreadable file, the
   *     operating system's reason)
   */
  public static SafetensorsFile open(Path path) {
    FileChannel channel = CheckpointFiles.open(path);
    try {
      SafetensorsFile file = parse(path, channel);
      channel = null; // now owned by file
      return file;
    } catch (IOException e) {
      throw CheckpointFiles.cannotRead(path, e);
    } finally {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
    }
  }

  private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
    long fileSize = channel.size();
    if (fileSize < 8) {
      throw new CheckpointException(
          path + ": file is " + fileSize + " bytes, shorter than the 8-byte header length");
    }
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lengthBytes, 0);
    long headerLength = lengthBytes.getLong(0);
    if (headerLength < 0 || headerLength > fileSize - 8) {
      throw new CheckpointException(
          path + ": header length " + Long.toUnsignedString(headerLength)
              + " exceeds the " + (fileSize - 8) + " bytes after the length field (file size "
              + fileSize + ")");
    }
    if (headerLength > MAX_HEADER_BYTES) {
      throw new CheckpointException(
          path + ": header length " + headerLength + " exceeds the limit of " + MAX_HEADER_BYTES);
    }
    ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
    readFully(channel, headerBytes, 8);
    long dataStart = 8 + headerLength;
    SafetensorsHeader header = SafetensorsHeader.parse(path, headerBytes.array(), fileSize - dataStart);
    return new SafetensorsFile(path, channel, dataStart, header.tensors(), header.metadata());
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    long at = position;
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException("unexpected end of file at byte " + at);
      }
      at += n;
    }
  }

  /** The file this was opened from. */
  public Path path() {
    return path;
  }

  /** The header's {@code __metadata__} (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** Names of all tensors, in header order. */
  public Set<String> tensorNames() {
    return tensors.keySet();
  }

  /** Whether the header has a tensor called {@code name}. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The header entry of {@code name}.
   *
   * @throws CheckpointException if the file has no such tensor
   */
  public TensorInfo info(String name) {
    TensorInfo info = tensors.get(name);
    if (info == null) {
      throw new CheckpointException(path + ": no tensor '" + name + "'");
    }
    return info;
  }

  /**
   * The bytes of tensor {@code name}, mapped read-only into {@code arena}: valid until the arena
   * closes, whatever happens to this file object.
   *
   * @throws CheckpointException if the tensor is absent or mapping fails
   */
  public MemorySegment map(String name, Arena arena) {
    return map(name, 0, info(name).byteLength(), arena);
  }

  /**
   * Bytes {@code [offset, offset + length)} of tensor {@code name}, mapped read-only into {@code
   * arena}: a part of a large tensor, so that converting it need not map all of it at once.
   *
   * @throws CheckpointException if the tensor is absent or mapping fails
   * @throws IndexOutOfBoundsException if the range is not within the tensor
   */
  public MemorySegment map(String name, long offset, long length, Arena arena) {
    TensorInfo info = info(name);
    java.util.Objects.checkFromIndexSize(offset, length, info.byteLength());
    try {
      return channel.map(MapMode.READ_ONLY, dataStart + info.begin() + offset, length, arena);
    } catch (IOException e) {
      throw new CheckpointException(
          path + ": cannot map tensor '" + name + "': " + CheckpointFiles.reason(e), e);
    }
  }

  /**
   * Bytes {@code [offset, offset + length)} of tensor {@code name}, read (not mapped) into memory
   * of {@code arena}: they stay as they were whatever later happens to the file.
   *
   * @throws CheckpointException if the tensor is absent, or the file cannot be read or has become
   *     shorter than its header says
   * @throws IndexOutOfBoundsException if the range is not within the tensor
   */
  public MemorySegment copy(String name, long offset, long length, Arena arena) {
    TensorInfo info = info(name);
    java.util.Objects.checkFromIndexSize(offset, length, info.byteLength());
    MemorySegment out = arena.allocate(length, 64);
    long at = dataStart + info.begin() + offset;
    try {
      for (long done = 0; done < length; ) {
        int n = (int) Math.min(COPY_CHUNK_BYTES, length - done);
        readFully(channel, out.asSlice(done, n).asByteBuffer(), at + done);
        done += n;
      }
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot read tensor '" + name + "': "
          + CheckpointFiles.reason(e), e);
    }
    return out.asReadOnly();
  }

  /**
   * Reads tensor {@code name} as an array of {@code target} type (FLOAT32 or FLOAT16) owned by
   * {@code manager}, converting in bounded chunks.
   *
   * @throws CheckpointException if the tensor is absent, its dtype cannot be loaded, or reading
   *     fails
   */
  public NDArray read(String name, NDManager manager, DataType target) {
    return read(name, manager, target, TensorReader.DEFAULT);
  }

  NDArray read(String name, NDManager manager, DataType target, TensorReader reader) {
    TensorInfo info = info(name);
    if (!info.dtype().isLoadable()) {
      throw new CheckpointException(
          path + ": tensor '" + name + "' has dtype " + info.dtype() + "; only "
              + SafetensorsDtype.loadableNames() + " can be loaded");
    }
    try {
      return reader.read(channel, dataStart, info, manager, target);
    } catch (IOException e) {
      throw new CheckpointException(
          path + ": cannot read tensor '" + name + "': " + CheckpointFiles.reason(e), e);
    }
  }

  /** Closes the file; arrays already read stay valid. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot close: " + CheckpointFiles.reason(e), e);
    }
  }
}
