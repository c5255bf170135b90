package dev.alibi4j.model.testing;

import dev.alibi4j.model.safetensors.HalfFloats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes PyTorch {@code .bin} files as {@code torch.save(state_dict)} does (torch 1.6+): a zip
 * archive of stored entries {@code <archive>/data.pkl} (a protocol 2 pickle of an OrderedDict of
 * {@code _rebuild_tensor_v2} calls), {@code byteorder}, {@code data/<key>} per storage, {@code
 * version} and {@code .data/serialization_id}, each entry's data aligned to 64 bytes like torch's
 * writer. Options make variants and broken files: ZIP64 records, an entry at any alignment, a
 * deflated entry, a replaced pickle, extra entries.
 *
 * <pre>{@code
 * new TorchBinWriter()
 *     .storage("0", "FloatStorage", TorchBinWriter.f32(1, 2, 3, 4, 5, 6))
 *     .tensor("w", "0", 0, new long[] {2, 3}, new long[] {3, 1})
 *     .write(dir.resolve("pytorch_model.bin"));
 * }</pre>
 */
public final class TorchBinWriter {

  /** Bytes per element of each storage class. */
  private static final Map<String, Integer> ELEMENT_BYTES = Map.ofEntries(
      Map.entry("FloatStorage", 4), Map.entry("HalfStorage", 2), Map.entry("BFloat16Storage", 2),
      Map.entry("DoubleStorage", 8), Map.entry("LongStorage", 8), Map.entry("IntStorage", 4),
      Map.entry("ShortStorage", 2), Map.entry("CharStorage", 1), Map.entry("ByteStorage", 1),
      Map.entry("BoolStorage", 1), Map.entry("UntypedStorage", 1));

  private record Storage(String module, String type, byte[] data, long declaredNumel) {}

  private record Tensor(String name, String key, long offset, long[] shape, long[] stride,
      String v3Dtype, boolean parameter) {}

  private final String archive;
  private final Map<String, Storage> storages = new LinkedHashMap<>();
  private final List<Tensor> tensors = new ArrayList<>();
  private final Map<String, byte[]> extraEntries = new LinkedHashMap<>();
  private final Map<String, Integer> shifts = new HashMap<>();
  private final Set<String> deflated = new HashSet<>();
  private boolean zip64;
  private boolean plainDict;
  private boolean moduleMetadata;
  private int protocol = 2;
  private byte[] pickle;

  /** Entries under {@code archive/}, as torch names them by default. */
  public TorchBinWriter() {
    this("archive");
  }

  /** Entries under {@code archive}{@code /} (torch uses the file's stem since 2.x). */
  public TorchBinWriter(String archive) {
    this.archive = archive;
  }

  /** A storage of class {@code torch.<type>} holding {@code data}. */
  public TorchBinWriter storage(String key, String type, byte[] data) {
    return storage(key, "torch", type, data, data.length / ELEMENT_BYTES.get(type));
  }

  /** A storage whose persistent id declares {@code declaredNumel} elements, whatever its data. */
  public TorchBinWriter storage(String key, String module, String type, byte[] data, long declaredNumel) {
    storages.put(key, new Storage(module, type, data, declaredNumel));
    return this;
  }

  /** A tensor viewing storage {@code key} contiguously from element 0. */
  public TorchBinWriter tensor(String name, String key, long... shape) {
    long[] stride = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= shape[d];
    }
    return tensor(name, key, 0, shape, stride);
  }

  /** A tensor viewing storage {@code key} from element {@code offset} with {@code stride}. */
  public TorchBinWriter tensor(String name, String key, long offset, long[] shape, long[] stride) {
    tensors.add(new Tensor(name, key, offset, shape, stride, null, false));
    return this;
  }

  /** A tensor wrapped in {@code _rebuild_parameter}, as an {@code nn.Parameter} is saved. */
  public TorchBinWriter parameter(String name, String key, long... shape) {
    tensor(name, key, shape);
    Tensor t = tensors.removeLast();
    tensors.add(new Tensor(name, key, 0, t.shape(), t.stride(), null, true));
    return this;
  }

  /**
   * A contiguous tensor saved as torch 2.x saves dtypes without a storage class: {@code
   * _rebuild_tensor_v3(untyped storage, ..., torch.<dtype>)}.
   */
  public TorchBinWriter tensorV3(String name, String key, String dtype, long... shape) {
    tensor(name, key, shape);
    Tensor t = tensors.removeLast();
    tensors.add(new Tensor(name, key, 0, t.shape(), t.stride(), dtype, false));
    return this;
  }

  /** Writes ZIP64 records and extra fields even though the file is small. */
  public TorchBinWriter zip64() {
    this.zip64 = true;
    return this;
  }

  /** A plain dict ({@code EMPTY_DICT}) instead of an OrderedDict. */
  public TorchBinWriter plainDict() {
    this.plainDict = true;
    return this;
  }

  /** The {@code _metadata} attribute {@code state_dict()} sets, written with BUILD. */
  public TorchBinWriter moduleMetadata() {
    this.moduleMetadata = true;
    return this;
  }

  /** Pickle protocol of the generated data.pkl (2 as torch, or 4). */
  public TorchBinWriter protocol(int protocol) {
    this.protocol = protocol;
    return this;
  }

  /** Replaces the generated data.pkl. */
  public TorchBinWriter pickle(byte[] pickle) {
    this.pickle = pickle;
    return this;
  }

  /** Adds an entry {@code <archive>/<name>}, replacing a generated one of that name (null: removes it). */
  public TorchBinWriter entry(String name, byte[] data) {
    extraEntries.put(name, data);
    return this;
  }

  /** Places the data of entry {@code <archive>/<name>} at an offset {@code shift} past a multiple of 64. */
  public TorchBinWriter shift(String name, int shift) {
    shifts.put(name, shift);
    return this;
  }

  /** Deflates entry {@code <archive>/<name>}. */
  public TorchBinWriter deflate(String name) {
    deflated.add(name);
    return this;
  }

  /** The data.pkl that torch.save would write for the tensors. */
  public byte[] stateDictPickle() {
    TorchPickle p = new TorchPickle(protocol);
    if (plainDict) {
      p.op('}').put();
    } else {
      p.orderedDict();
    }
    if (tensors.size() > 1) {
      p.mark();
    }
    for (Tensor t : tensors) {
      p.text(t.name());
      tensor(p, t);
    }
    p.op(tensors.size() > 1 ? 'u' : 's');
    if (moduleMetadata) { // {'_metadata': OrderedDict({'': {'version': 1}})}
      p.op('}').put().text("_metadata").orderedDict().text("").op('}').put()
          .text("version").integer(1).op('s').op('s').op('s').op('b');
    }
    return p.stop().bytes();
  }

  private void tensor(TorchPickle p, Tensor t) {
    Storage s = storages.get(t.key());
    if (t.parameter()) {
      p.global("torch._utils", "_rebuild_parameter");
    }
    p.global("torch._utils", t.v3Dtype() == null ? "_rebuild_tensor_v2" : "_rebuild_tensor_v3");
    p.mark();
    p.mark().text("storage").global(s.module(), s.type()).text(t.key()).text("cpu")
        .integer(s.declaredNumel()).op('t').put();
    p.op('Q'); // BINPERSID
    p.integer(t.offset()).tuple(t.shape()).tuple(t.stride()).bool(false).orderedDict();
    if (t.v3Dtype() != null) {
      p.global("torch", t.v3Dtype());
    }
    p.op('t').put().reduce().put();
    if (t.parameter()) {
      p.bool(true).orderedDict().op(0x87).put().reduce().put();
    }
  }

  /** Writes the archive to {@code file}. */
  public Path write(Path file) {
    Map<String, byte[]> entries = new LinkedHashMap<>();
    entries.put("data.pkl", pickle != null ? pickle : stateDictPickle());
    entries.put("byteorder", "little".getBytes(StandardCharsets.US_ASCII));
    storages.keySet().stream().sorted()
        .forEach(key -> entries.put("data/" + key, storages.get(key).data()));
    entries.put("version", "3\n".getBytes(StandardCharsets.US_ASCII));
    entries.put(".data/serialization_id", "1234567890".getBytes(StandardCharsets.US_ASCII));
    entries.putAll(extraEntries);
    try {
      Files.write(file, zip(entries));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  private byte[] zip(Map<String, byte[]> entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream central = new ByteArrayOutputStream();
    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
      String name = e.getValue() == null ? null : archive + "/" + e.getKey();
      if (name == null) {
        continue; // an entry removed with entry(name, null)
      }
      byte[] data = e.getValue();
      CRC32 crc = new CRC32();
      crc.update(data);
      boolean deflate = deflated.contains(e.getKey());
      byte[] stored = deflate ? deflate(data) : data;
      byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
      long offset = out.size();
      // pad the local extra field so the data lands at `shift` past a multiple of 64
      int zip64Local = zip64 ? 20 : 0;
      long bare = offset + 30 + nameBytes.length + zip64Local;
      int shift = shifts.getOrDefault(e.getKey(), 0);
      int pad = (int) Math.floorMod(shift - bare, 64L);
      if (pad > 0 && pad < 4) {
        pad += 64;
      }
      ByteBuffer local = le(30 + nameBytes.length + zip64Local + pad);
      local.putInt(0x04034b50).putShort((short) (zip64 ? 45 : 20)).putShort((short) 0)
          .putShort((short) (deflate ? 8 : 0)).putShort((short) 0).putShort((short) 0x21)
          .putInt((int) crc.getValue())
          .putInt(zip64 ? -1 : stored.length).putInt(zip64 ? -1 : data.length)
          .putShort((short) nameBytes.length).putShort((short) (zip64Local + pad)).put(nameBytes);
      if (zip64) {
        local.putShort((short) 1).putShort((short) 16).putLong(data.length).putLong(stored.length);
      }
      if (pad > 0) {
        local.putShort((short) 0x4246).putShort((short) (pad - 4)); // torch's "FB" padding
      }
      out.writeBytes(local.array());
      out.writeBytes(stored);
      int zip64Central = zip64 ? 28 : 0;
      ByteBuffer c = le(46 + nameBytes.length + zip64Central);
      c.putInt(0x02014b50).putShort((short) 45).putShort((short) (zip64 ? 45 : 20))
          .putShort((short) 0).putShort((short) (deflate ? 8 : 0)).putShort((short) 0)
          .putShort((short) 0x21).putInt((int) crc.getValue())
          .putInt(zip64 ? -1 : stored.length).putInt(zip64 ? -1 : data.length)
          .putShort((short) nameBytes.length).putShort((short) zip64Central).putShort((short) 0)
          .putShort((short) 0).putShort((short) 0).putInt(0).putInt(zip64 ? -1 : (int) offset)
          .put(nameBytes);
      if (zip64) {
        c.putShort((short) 1).putShort((short) 24).putLong(data.length).putLong(stored.length)
            .putLong(offset);
      }
      central.writeBytes(c.array());
    }
    long directoryOffset = out.size();
    int count = (int) entries.values().stream().filter(v -> v != null).count();
    out.writeBytes(central.toByteArray());
    if (zip64) {
      long record = out.size();
      out.writeBytes(le(56).putInt(0x06064b50).putLong(44).putShort((short) 45)
          .putShort((short) 45).putInt(0).putInt(0).putLong(count).putLong(count)
          .putLong(central.size()).putLong(directoryOffset).array());
      out.writeBytes(le(20).putInt(0x07064b50).putInt(0).putLong(record).putInt(1).array());
    }
    out.writeBytes(le(22).putInt(0x06054b50).putShort((short) 0).putShort((short) 0)
        .putShort((short) (zip64 ? -1 : count)).putShort((short) (zip64 ? -1 : count))
        .putInt(zip64 ? -1 : central.size()).putInt(zip64 ? -1 : (int) directoryOffset)
        .putShort((short) 0).array());
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** {@code values} as little-endian float32. */
  public static byte[] f32(float... values) {
    ByteBuffer b = le(4 * values.length);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  /** {@code values} rounded to float16, little-endian. */
  public static byte[] f16(float... values) {
    ByteBuffer b = le(2 * values.length);
    for (float v : values) {
      b.putShort(HalfFloats.floatToHalf(v));
    }
    return b.array();
  }

  /** {@code values} rounded to bfloat16, little-endian. */
  public static byte[] bf16(float... values) {
    ByteBuffer b = le(2 * values.length);
    for (float v : values) {
      b.putShort(HalfFloats.floatToBf16(v));
    }
    return b.array();
  }

  /** {@code values} as little-endian int64. */
  public static byte[] i64(long... values) {
    ByteBuffer b = le(8 * values.length);
    for (long v : values) {
      b.putLong(v);
    }
    return b.array();
  }
}
