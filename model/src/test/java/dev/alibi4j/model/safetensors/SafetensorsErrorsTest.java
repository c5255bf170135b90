package dev.alibi4j.model.safetensors;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.testing.RawSafetensors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every malformed file fails with a message naming the file and the problem. */
class SafetensorsErrorsTest {

  @TempDir Path dir;

  private static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
    }
  }

  private CheckpointException openFails(Path file) {
    return assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
  }

  private Path withHeader(String header, int dataBytes) {
    return RawSafetensors.write(dir.resolve("bad.safetensors"), header, new byte[dataBytes]);
  }

  @Test
  void missingFile() {
    Path file = dir.resolve("absent.safetensors");
    assertMentions(openFails(file), "not found", file.toString());
  }

  @Test
  void fileShorterThanTheLengthField() throws IOException {
    Path file = Files.write(dir.resolve("short.safetensors"), new byte[5]);
    assertMentions(openFails(file), file.toString(), "5 bytes", "shorter than the 8-byte");
  }

  @Test
  void headerLengthBeyondTheFile() {
    Path file = RawSafetensors.write(
        dir.resolve("long.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
    assertMentions(openFails(file), file.toString(), "header length 1000", "exceeds");
  }

  @Test
  void headerLengthWithTheTopBitSet() {
    Path file = RawSafetensors.write(
        dir.resolve("neg.safetensors"), -1, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);
    assertMentions(openFails(file), file.toString(), "18446744073709551615", "exceeds");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"x\": {\"dtype\": ", "not json at all", "[1, 2]", "\"text\""})
  void corruptHeaderJson(String header) {
    Path file = withHeader(header, 0);
    assertMentions(openFails(file), file.toString(), "corrupt header JSON");
  }

  @ParameterizedTest
  @ValueSource(strings = {"dtype", "shape", "data_offsets"})
  void entryMissingAField(String field) {
    String entry = "\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]";
    String without = entry.replaceAll("\"" + field + "\":(\"F32\"|\\[[0-9,]*\\]),?", "")
        .replaceAll(",$", "");
    Path file = withHeader("{\"w\":{" + without + "}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "missing '" + field + "'");
  }

  @Test
  void unknownDtype() {
    Path file = withHeader("{\"w\":{\"dtype\":\"Q4\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "unknown dtype 'Q4'");
  }

  @Test
  void offsetsBeyondTheDataRegion() {
    Path file = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "[0, 16]", "outside", "8 bytes");
  }

  @Test
  void offsetsReversed() {
    Path file = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "[8, 4]");
  }

  @Test
  void offsetsNotMatchingTheShape() {
    Path file = withHeader("{\"w\":{\"dtype\":\"F16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "span 8 bytes", "[2, 3]", "needs 12");
  }

  @Test
  void negativeOrFractionalShape() {
    Path file = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "shape");
    file = withHeader("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", 8);
    assertMentions(openFails(file), file.toString(), "'w'", "shape");
  }

  @Test
  void metadataMustHoldStrings() {
    Path file = withHeader("{\"__metadata__\":{\"format\":1}}", 0);
    assertMentions(openFails(file), file.toString(), "__metadata__", "format");
  }

  @ParameterizedTest
  @ValueSource(strings = {"F64", "I64", "I32", "U8", "BOOL"})
  void unloadableDtypeNamesFileTensorAndDtype(String dtype) {
    int size = SafetensorsDtype.valueOf(dtype).byteSize() * 2;
    Path file = withHeader(
        "{\"pos\":{\"dtype\":\"" + dtype + "\",\"shape\":[2],\"data_offsets\":[0," + size + "]}}",
        size);
    try (SafetensorsFile f = SafetensorsFile.open(file);
        NDManager m = NDManager.newBaseManager("PyTorch")) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> f.read("pos", m, DataType.FLOAT32));
      assertMentions(e, file.toString(), "'pos'", dtype, "F32, F16 and BF16");
    }
  }

  @Test
  void absentTensorNamesFileAndTensor() {
    Path file = withHeader("{}", 0);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> f.info("nope"));
      assertMentions(e, file.toString(), "'nope'");
    }
  }
}
