package dev.alibi4j.model.pytorch;

import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.weights.StoredTensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One {@code .bin} file written by {@code torch.save} (torch 1.6 or later): a zip archive of
 * {@code <archive>/data.pkl}, the pickled state dict, and one stored entry {@code
 * <archive>/data/<key>} per storage. Opening reads the pickle with {@link Unpickler} (no code from
 * the file ever runs) and checks every tensor against its storage; tensors are then mapped in
 * place, or copied when their view is not contiguous ({@link #map}).
 */
final class PytorchFile implements AutoCloseable {

  /** Largest {@code data.pkl} read: a 7B model's is tens of KiB. */
  static final long MAX_PICKLE_BYTES = 16L << 20;

  /** How to get a file this reader takes, for messages refusing one. */
  static final String CONVERT = "load it with torch and re-save it with torch.save(state_dict, path,"
      + " _use_new_zipfile_serialization=True), or convert it to safetensors"
      + " (safetensors.torch.save_file(state_dict, 'model.safetensors'))";

  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final String LFS_POINTER = "version https://git-lfs";

  private final Path path;
  private final FileChannel channel;
  private final Map<String, TensorLayout> tensors;

  private PytorchFile(Path path, FileChannel channel, Map<String, TensorLayout> tensors) {
    this.path = path;
    this.channel = channel;
    this.tensors = tensors;
  }

  /**
   * Opens {@code path}, reads its pickle and checks every tensor against its storage.
   *
   * @throws CheckpointException naming the file and the problem
   */
  static PytorchFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException("PyTorch checkpoint file not found: " + path);
    }
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
      PytorchFile file = new PytorchFile(path, channel, read(path, channel));
      channel = null; // now owned by file
      return file;
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot read: " + e.getMessage(), e);
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

  private static Map<String, TensorLayout> read(Path path, FileChannel channel) throws IOException {
    checkZip(path, channel);
    ZipArchive zip = ZipArchive.read(path, channel);
    String pickleName = pickleEntry(path, zip);
    String archive = pickleName.substring(0, pickleName.length() - "data.pkl".length());
    if (zip.entries().containsKey(archive + "constants.pkl")) {
      throw new CheckpointException(path + " is a TorchScript archive (torch.jit.save), not a"
          + " state dict saved by torch.save: save the model's state_dict() instead");
    }
    checkByteOrder(path, zip, archive + "byteorder");
    String where = path + " (" + Quoted.of(pickleName) + ")";
    byte[] pickle = readSmall(path, zip, zip.entries().get(pickleName), MAX_PICKLE_BYTES);
    Object top = new Unpickler(where, pickle, new TorchObjects(where)).load();
    if (!(top instanceof Map<?, ?> stateDict)) {
      throw new CheckpointException(where + ": holds " + Unpickler.describe(top)
          + ", not a state dict (a dict of tensors)");
    }
    Map<String, TensorLayout> tensors = new LinkedHashMap<>();
    Map<String, long[]> storages = new HashMap<>(); // key -> {data offset, size}
    for (Map.Entry<?, ?> e : stateDict.entrySet()) {
      if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof PickledTensor t)) {
        Object key = e.getKey();
        throw new CheckpointException(where + ": entry "
            + (key instanceof String s ? Quoted.of(s) : Unpickler.describe(key)) + " is "
            + Unpickler.describe(e.getValue()) + ", not a tensor: only state dicts of tensors can be loaded");
      }
      String entryName = archive + "data/" + t.storage().key();
      long[] storage = storages.get(entryName);
      if (storage == null) {
        storage = storageData(path, zip, name, entryName);
        storages.put(entryName, storage);
      }
      tensors.put(name, TensorLayout.of(path.toString(), name, t, entryName, storage[0], storage[1]));
    }
    return Collections.unmodifiableMap(tensors);
  }

  /** Legacy files start with a pickle, not a zip header: refused with how to convert them. */
  private static void checkZip(Path path, FileChannel channel) throws IOException {
    ByteBuffer head = ByteBuffer.allocate(LFS_POINTER.length());
    int n = 0;
    while (head.hasRemaining() && n >= 0) { // the first bytes, or all of a shorter file
      n = channel.read(head, head.position());
    }
    byte[] bytes = Arrays.copyOf(head.array(), head.position());
    if (new String(bytes, StandardCharsets.ISO_8859_1).equals(LFS_POINTER)) {
      throw new CheckpointException(path + " is a Git LFS pointer, not the weights: fetch them"
          + " with `git lfs pull`");
    }
    if (bytes.length < ZIP_MAGIC.length
        || !Arrays.equals(bytes, 0, ZIP_MAGIC.length, ZIP_MAGIC, 0, ZIP_MAGIC.length)) {
      throw new CheckpointException(path + " is not a zip archive: it was saved by torch < 1.6"
          + " (the legacy format) or is not a PyTorch checkpoint; " + CONVERT);
    }
  }

  /** The one {@code <archive>/data.pkl}. */
  private static String pickleEntry(Path path, ZipArchive zip) {
    List<String> pickles = zip.entries().keySet().stream()
        .filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - "/data.pkl".length())
        .toList();
    if (pickles.isEmpty()) {
      throw new CheckpointException(path + ": zip archive has no <archive>/data.pkl, so torch.save"
          + " did not write it");
    }
    if (pickles.size() > 1) {
      throw new CheckpointException(path + ": zip archive has several pickles "
          + pickles.stream().limit(5).map(Quoted::of).toList() + ", expected one <archive>/data.pkl");
    }
    return pickles.getFirst();
  }

  /** torch records the byte order since 1.10; before, files were little-endian. */
  private static void checkByteOrder(Path path, ZipArchive zip, String name) throws IOException {
    ZipEntry entry = zip.entries().get(name);
    if (entry == null) {
      return;
    }
    String order = new String(readSmall(path, zip, entry, 16), StandardCharsets.US_ASCII);
    if (!order.equals("little")) {
      throw new CheckpointException(path + ": entry " + Quoted.of(name) + " says byte order "
          + Quoted.of(order) + "; only little-endian checkpoints can be loaded");
    }
  }

  /** {data offset, size} of a storage entry, which must be stored uncompressed. */
  private static long[] storageData(Path path, ZipArchive zip, String tensor, String name)
      throws IOException {
    ZipEntry entry = zip.entries().get(name);
    if (entry == null) {
      throw new CheckpointException(path + ": tensor " + Quoted.of(tensor) + "'s storage entry "
          + Quoted.of(name) + " is missing from the archive");
    }
    checkStored(path, entry);
    return new long[] {zip.dataOffset(entry), entry.size()};
  }

  private static void checkStored(Path path, ZipEntry entry) {
    if (entry.encrypted()) {
      throw new CheckpointException(path + ": zip entry " + Quoted.of(entry.name()) + " is encrypted");
    }
    if (entry.method() != ZipEntry.STORED || entry.compressedSize() != entry.size()) {
      String method = entry.method() == ZipEntry.DEFLATED ? "deflated" : "method " + entry.method();
      throw new CheckpointException(path + ": zip entry " + Quoted.of(entry.name()) + " is compressed ("
          + method + "), but tensors are mapped from uncompressed entries as torch.save writes"
          + " them; " + CONVERT);
    }
  }

  private static byte[] readSmall(Path path, ZipArchive zip, ZipEntry entry, long limit)
      throws IOException {
    checkStored(path, entry);
    if (entry.size() > limit) {
      throw new CheckpointException(path + ": zip entry " + Quoted.of(entry.name()) + " of "
          + entry.size() + " bytes exceeds the limit of " + limit);
    }
    return zip.read(entry);
  }

  /** The file. */
  Path path() {
    return path;
  }

  /** Names of all tensors, in pickle order. */
  Set<String> tensorNames() {
    return tensors.keySet();
  }

  /** Whether the file holds tensor {@code name}. */
  boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The dtype, shape and file of {@code name}.
   *
   * @throws CheckpointException if the file has no such tensor
   */
  StoredTensor describe(String name) {
    TensorLayout t = layout(name);
    return new StoredTensor(name, t.dtype().name(), t.dtype().weightType(), t.shape(), path);
  }

  /**
   * Bytes {@code [offset, offset + length)} of {@code name}'s row-major data, read-only in {@code
   * arena}: mapped from the file when the tensor is contiguous, else copied from a temporary
   * mapping into memory of {@code arena}.
   *
   * @throws CheckpointException if the tensor is absent or mapping fails
   * @throws IndexOutOfBoundsException if the range is not within the tensor
   */
  MemorySegment map(String name, long offset, long length, Arena arena) {
    TensorLayout t = layout(name);
    Objects.checkFromIndexSize(offset, length, t.byteLength());
    try {
      if (t.contiguous()) {
        return channel.map(MapMode.READ_ONLY, t.start() + offset, length, arena);
      }
      return StridedCopy.copy(channel, t, offset, length, arena);
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot map tensor " + Quoted.of(name) + ": " + e.getMessage(), e);
    }
  }

  private TensorLayout layout(String name) {
    TensorLayout t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(path + ": no tensor " + Quoted.of(name));
    }
    return t;
  }

  /** Closes the file; segments already mapped stay valid. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot close: " + e.getMessage(), e);
    }
  }
}
