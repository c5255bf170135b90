package dev.alibi4j.model.pytorch;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static dev.alibi4j.model.testing.TorchBinWriter.f32;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.testing.TorchBinWriter;
import dev.alibi4j.model.testing.TorchPickle;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile and broken {@code .bin} checkpoints: each fails with a {@link CheckpointException}
 * naming the file and the problem, and nothing in them ever runs.
 */
class PytorchHostileTest {

  @TempDir Path dir;

  private Path bin() {
    return dir.resolve(PytorchCheckpoint.SINGLE_FILE);
  }

  private CheckpointException openFails() {
    return assertThrows(CheckpointException.class, () -> PytorchCheckpoint.open(dir).close());
  }

  private CheckpointException openFails(TorchBinWriter w) {
    w.write(bin());
    return openFails();
  }

  /** A valid file of one float32 tensor {@code w} of 4 elements. */
  private static TorchBinWriter valid() {
    return new TorchBinWriter().storage("0", "FloatStorage", f32(1, 2, 3, 4)).tensor("w", "0", 4);
  }

  /**
   * Each pickle would create the marker file if Python unpickled it: the global is refused by name
   * before anything could call it.
   */
  @ParameterizedTest
  @CsvSource({"os,system", "posix,system", "nt,system", "builtins,eval", "builtins,exec",
      "subprocess,Popen", "builtins,getattr", "__builtin__,eval", "torch,load", "torch._utils,_rebuild_qtensor",
      "torch._tensor,_rebuild_from_type_v2", "collections,defaultdict"})
  void refusesEveryOtherGlobal(String module, String name) throws IOException {
    Path marker = dir.resolve("marker");
    TorchPickle p = new TorchPickle().global(module, name);
    switch (name) {
      case "Popen" -> p.op(']').put().mark().text("touch").text(marker.toString()).op('e');
      case "eval", "exec" -> p.text("__import__('os').system('touch " + marker + "')");
      default -> p.text("touch " + marker);
    }
    p.op(0x85).put().reduce().stop();
    assertMentions(openFails(valid().pickle(p.bytes())), bin().toString(), "data.pkl",
        "'" + module + "." + name + "'");
    assertFalse(Files.exists(marker), "nothing ran");
  }

  @Test
  void refusesAGlobalHiddenAfterValidEntries() {
    byte[] state = valid().stateDictPickle();
    // the same state dict, then a second entry whose value calls posix.system
    TorchPickle p = new TorchPickle().raw(Arrays.copyOfRange(state, 2, state.length - 2)) // minus PROTO, SETITEM, STOP
        .op('s').text("x").global("posix", "system").text("true").op(0x85).reduce().op('s').stop();
    assertMentions(openFails(valid().pickle(p.bytes())), "'posix.system'");
  }

  @Test
  void refusesStackGlobalsToo() {
    byte[] pickle = new TorchPickle(4).global("os", "system").text("true").op(0x85).reduce().stop().bytes();
    assertMentions(openFails(valid().pickle(pickle)), "'os.system'");
  }

  @Test
  void refusesReduceOfAnythingButTheAllowedCalls() {
    assertMentions(openFails(valid().pickle(
            new TorchPickle().global("torch", "FloatStorage").op(')').reduce().stop().bytes())),
        "refusing REDUCE of torch.FloatStorage");
    assertMentions(openFails(valid().pickle(
            new TorchPickle().text("os.system").text("true").op(0x85).reduce().stop().bytes())),
        "refusing REDUCE of the string 'os.system'");
    assertMentions(openFails(valid().pickle(
            new TorchPickle().global("torch", "float32").op(')').reduce().stop().bytes())),
        "refusing REDUCE of torch.float32");
    assertMentions(openFails(valid().pickle(new TorchPickle()
            .global("collections", "OrderedDict").text("x").op(0x85).reduce().stop().bytes())),
        "collections.OrderedDict called with 1 arguments");
  }

  @Test
  void refusesBuildOfAnythingButTheStateDict() {
    assertMentions(openFails(valid().pickle(
            new TorchPickle().op(']').op('}').op('b').stop().bytes())),
        "refusing BUILD of a list");
  }

  @ParameterizedTest
  @ValueSource(ints = {'i', 'o', 0x81, 0x82, 'P', 'B', 'V', '0', '2', 0xff})
  void refusesOtherOpcodes(int opcode) {
    assertMentions(openFails(valid().pickle(new TorchPickle().op(opcode).stop().bytes())),
        "unsupported pickle opcode 0x" + String.format("%02x", opcode), bin().toString());
  }

  @Test
  void truncatedPickle() {
    byte[] state = valid().stateDictPickle();
    assertMentions(openFails(valid().pickle(Arrays.copyOf(state, state.length / 2))),
        bin().toString(), "truncated");
  }

  @Test
  void tensorMetadataIsRefused() {
    byte[] pickle = new TorchPickle().orderedDict().text("w")
        .global("torch._utils", "_rebuild_tensor_v2").mark()
        .mark().text("storage").global("torch", "FloatStorage").text("0").text("cpu").integer(4)
        .op('t').op('Q').integer(0).tuple(4).tuple(1).bool(false).orderedDict()
        .op('}').text("neg").bool(true).op('s') // metadata {'neg': True}
        .op('t').reduce().op('s').stop().bytes();
    assertMentions(openFails(valid().pickle(pickle)), "tensor metadata");
  }

  @Test
  void malformedPersistentIds() {
    assertMentions(openFails(valid().pickle(new TorchPickle().mark().text("storage")
            .text("FloatStorage").text("0").text("cpu").integer(4).op('t').op('Q').stop().bytes())),
        "persistent id names the string 'FloatStorage'");
    assertMentions(openFails(valid().pickle(new TorchPickle().text("0").op('Q').stop().bytes())),
        "persistent id is the string '0'");
  }

  @Test
  void storageShorterThanItsTensor() {
    // the persistent id declares what the entry holds, but the tensor reaches further
    assertMentions(openFails(valid().tensor("long", "0", 2, new long[] {3}, new long[] {1})),
        bin().toString(), "tensor 'long'", "needs 20 bytes of storage '0'", "declares as 16 bytes");
    // the persistent id declares more than the entry holds
    assertMentions(openFails(new TorchBinWriter()
            .storage("0", "torch", "FloatStorage", f32(1, 2, 3, 4), 10).tensor("w", "0", 10)),
        bin().toString(), "tensor 'w'", "'archive/data/0'", "needs 40 bytes", "holds only 16");
    assertMentions(openFails(valid().tensor("huge", "0", 0, new long[] {2, 1L << 62}, new long[] {1L << 62, 1})),
        "tensor 'huge'", "too large");
  }

  @Test
  void missingStorageEntry() {
    assertMentions(openFails(valid().entry("data/0", null)),
        "tensor 'w'", "'archive/data/0' is missing");
  }

  @ParameterizedTest
  @ValueSource(strings = {"data/0", "data.pkl"})
  void compressedEntries(String entry) {
    assertMentions(openFails(valid().deflate(entry)), bin().toString(), "'archive/" + entry + "'",
        "compressed (deflated)", "torch.save", "safetensors");
  }

  @Test
  void legacyFormat() throws IOException {
    // torch < 1.6: pickled magic number 0x1950a86a20f9469cfc6c, protocol version, sys info, ...
    byte[] legacy = {(byte) 0x80, 2, (byte) 0x8a, 10, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
        (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0x2e};
    Files.write(bin(), legacy);
    assertMentions(openFails(), bin().toString(), "not a zip archive", "torch < 1.6",
        "_use_new_zipfile_serialization=True", "safetensors");
    Files.write(bin(), new byte[0]);
    assertMentions(openFails(), "not a zip archive");
  }

  @Test
  void gitLfsPointer() throws IOException {
    Files.writeString(bin(), "version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n");
    assertMentions(openFails(), bin().toString(), "Git LFS pointer", "git lfs pull");
  }

  @Test
  void truncatedArchive() throws IOException {
    valid().write(bin());
    byte[] whole = Files.readAllBytes(bin());
    Files.write(bin(), Arrays.copyOf(whole, whole.length - 30));
    assertMentions(openFails(), bin().toString(), "corrupt zip archive");
  }

  @Test
  void centralDirectoryBeyondTheLimits() throws IOException {
    // a sparse file: a zip header, then an end record claiming a huge directory
    long size = ZipArchive.MAX_DIRECTORY_BYTES + 100;
    try (RandomAccessFile f = new RandomAccessFile(bin().toFile(), "rw")) {
      f.setLength(size);
      f.write(new byte[] {'P', 'K', 3, 4});
      f.seek(size - 22);
      f.write(endOfDirectory(1, ZipArchive.MAX_DIRECTORY_BYTES + 1, 0));
    }
    assertMentions(openFails(), bin().toString(), "central directory of", "exceeds the limit");
    try (RandomAccessFile f = new RandomAccessFile(bin().toFile(), "rw")) {
      f.seek(size - 22);
      f.write(endOfDirectory(0xFFFF, 460, 0));
    }
    assertMentions(openFails(), "65535 entries cannot fit");
    try (RandomAccessFile f = new RandomAccessFile(bin().toFile(), "rw")) {
      f.seek(size - 22);
      f.write(endOfDirectory(1, 46, size));
    }
    assertMentions(openFails(), "lies outside the file");
  }

  private static byte[] endOfDirectory(int entries, long directorySize, long directoryOffset) {
    return ByteBuffer.allocate(22).order(ByteOrder.LITTLE_ENDIAN).putInt(0x06054b50)
        .putShort((short) 0).putShort((short) 0).putShort((short) entries).putShort((short) entries)
        .putInt((int) directorySize).putInt((int) directoryOffset).putShort((short) 0).array();
  }

  @Test
  void otherArchives() {
    assertMentions(openFails(valid().entry("constants.pkl", new byte[] {'.'})), "TorchScript");
    assertMentions(openFails(valid().entry("byteorder", "big".getBytes(StandardCharsets.US_ASCII))),
        "byte order 'big'");
    assertMentions(openFails(valid().entry("data.pkl", null)), "no <archive>/data.pkl");
  }

  @Test
  void somethingElseThanAStateDictOfTensors() {
    assertMentions(openFails(valid().pickle(new TorchPickle().op(']').stop().bytes())),
        "holds a list of 0, not a state dict");
    assertMentions(openFails(valid().pickle(
            new TorchPickle().op('}').text("w").integer(5).op('s').stop().bytes())),
        "entry 'w' is the int 5, not a tensor");
  }

  @ParameterizedTest
  @ValueSource(strings = {"../x.bin", "/tmp/x.bin", "sub/x.bin", "..", "", "sub\\\\x.bin", "C:x.bin"})
  void indexNamingAFileOutsideTheDirectory(String shard) throws IOException {
    valid().write(dir.resolve("x.bin"));
    Files.writeString(dir.resolve(PytorchCheckpoint.INDEX_FILE),
        "{\"weight_map\": {\"w\": \"" + shard + "\"}}");
    assertMentions(openFails(), PytorchCheckpoint.INDEX_FILE, "tensor 'w'", "not a plain file name");
  }

  @Test
  void tensorMappedToTwoShards() throws IOException {
    valid().write(dir.resolve("a.bin"));
    valid().write(dir.resolve("b.bin"));
    Files.writeString(dir.resolve(PytorchCheckpoint.INDEX_FILE),
        "{\"weight_map\": {\"w\": \"a.bin\", \"w\": \"b.bin\"}}");
    assertMentions(openFails(), "tensor 'w' is mapped to two shards, 'a.bin' and 'b.bin'");
    // listed once, but stored in both
    Files.writeString(dir.resolve(PytorchCheckpoint.INDEX_FILE),
        "{\"weight_map\": {\"w\": \"a.bin\", \"other\": \"b.bin\"}}");
    new TorchBinWriter().storage("0", "FloatStorage", f32(1, 2, 3, 4)).tensor("w", "0", 4)
        .tensor("other", "0", 4).write(dir.resolve("b.bin"));
    assertMentions(openFails(), "tensor 'w' is stored in two shards", "a.bin", "b.bin");
  }

  @Test
  void brokenIndexes() throws IOException {
    Path index = dir.resolve(PytorchCheckpoint.INDEX_FILE);
    Files.writeString(index, "{\"weight_map\": {\"w\": \"absent.bin\"}}");
    assertMentions(openFails(), "shard 'absent.bin'", "does not exist");
    valid().write(dir.resolve("a.bin"));
    Files.writeString(index, "{\"weight_map\": {\"v\": \"a.bin\"}}");
    assertMentions(openFails(), "tensor 'v' is listed in shard 'a.bin' but absent");
    Files.writeString(index, "{\"weight_map\": {\"w\": 3}}");
    assertMentions(openFails(), "weight_map entry of 'w' is not a file name");
    Files.writeString(index, "{\"metadata\": {}}");
    assertMentions(openFails(), "missing the 'weight_map' object");
    Files.writeString(index, "{\"weight_map\": {\"w\": ");
    assertMentions(openFails(), index.toString(), "corrupt JSON");
    Files.writeString(index, "[]");
    assertMentions(openFails(), index.toString(), "corrupt JSON");
  }
}
