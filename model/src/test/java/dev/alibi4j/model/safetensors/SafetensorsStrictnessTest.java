package dev.alibi4j.model.safetensors;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.testing.RawSafetensors;
import java.lang.foreign.Arena;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the reference safetensors library refuses, refused here too: tensors that overlap, leave
 * gaps or leave bytes after the last one (its {@code Metadata::validate} and {@code
 * MetadataIncompleteBuffer}), a header that is not UTF-8 or not strict JSON, a name given twice.
 */
class SafetensorsStrictnessTest {

  @TempDir Path dir;

  /** An F32 entry of {@code n} elements at {@code [begin, begin + 4n]}. */
  private static String f32(String name, int n, int begin) {
    return "\"" + name + "\":{\"dtype\":\"F32\",\"shape\":[" + n + "],\"data_offsets\":["
        + begin + "," + (begin + 4 * n) + "]}";
  }

  private Path file(String header, int dataBytes) {
    return RawSafetensors.write(dir.resolve("t.safetensors"), header, new byte[dataBytes]);
  }

  private CheckpointException refused(Path file) {
    return assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close());
  }

  @Test
  void tensorsInAnyHeaderOrderLoadWhenTheyTileTheData() {
    float[] a = {1, 2};
    float[] b = {3, 4, 5};
    Path file = RawSafetensors.write(dir.resolve("t.safetensors"),
        "{" + f32("b", 3, 8) + "," + f32("a", 2, 0) + ",\"empty\":{\"dtype\":\"F16\",\"shape\":[0],"
            + "\"data_offsets\":[8,8]},\"__metadata__\":{\"format\":\"pt\"}}",
        RawSafetensors.concat(RawSafetensors.f32(a), RawSafetensors.f32(b)));
    try (SafetensorsFile f = SafetensorsFile.open(file); Arena arena = Arena.ofConfined()) {
      assertEquals(List.of("b", "a", "empty"), List.copyOf(f.tensorNames()));
      var le = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
      assertArrayEquals(b, f.map("b", arena).toArray(le));
      assertArrayEquals(a, f.map("a", arena).toArray(le));
    }
  }

  @Test
  void overlappingTensorsAreRefused() {
    Path file = file("{" + f32("a", 2, 0) + "," + f32("b", 2, 4) + "}", 12);
    assertMentions(refused(file), file.toString(), "tensor 'b'", "[4, 12]", "overlap tensor 'a' at [0, 8]",
        "in order of offsets");
  }

  @Test
  void twoNamesForTheSameBytesAreRefused() {
    Path file = file("{" + f32("a", 2, 0) + "," + f32("b", 2, 0) + "}", 8);
    assertMentions(refused(file), file.toString(), "overlap", "[0, 8]");
  }

  @Test
  void aGapBetweenTensorsIsRefused() {
    Path file = file("{" + f32("a", 2, 0) + "," + f32("b", 1, 12) + "}", 16);
    assertMentions(refused(file), file.toString(), "tensor 'b'", "[12, 16]",
        "leave bytes [8, 12)", "after tensor 'a'", "unused");
  }

  @Test
  void bytesBeforeTheFirstTensorAreRefused() {
    Path file = file("{" + f32("a", 1, 4) + "}", 8);
    assertMentions(refused(file), file.toString(), "tensor 'a'", "leave bytes [0, 4)", "before it");
  }

  @Test
  void bytesAfterTheLastTensorAreRefused() {
    Path file = file("{" + f32("a", 2, 0) + "}", 12);
    assertMentions(refused(file), file.toString(), "cover 8 bytes", "holds 12", "4 bytes no tensor");
    Path empty = file("{}", 4);
    assertMentions(refused(empty), "cover 0 bytes", "holds 4");
  }

  @Test
  void aNameGivenTwiceIsRefused() {
    // Gson's JsonObject kept the second entry silently; here both tile the data, so only the
    // duplicate itself is wrong.
    Path file = file("{" + f32("w", 1, 0) + "," + f32("w", 1, 4) + "}", 8);
    assertMentions(refused(file), file.toString(), "corrupt header JSON", "duplicate key \"w\"");
  }

  @Test
  void metadataGivenTwiceIsRefused() {
    Path file = file("{\"__metadata__\":{\"a\":\"1\"},\"__metadata__\":{\"a\":\"2\"}}", 0);
    assertMentions(refused(file), file.toString(), "duplicate key \"__metadata__\"");
  }

  @Test
  void aHeaderThatIsNotUtf8IsRefused() {
    byte[] header = ("{" + f32("w\u00e9", 1, 0) + "}").getBytes(StandardCharsets.UTF_8);
    header[3] = (byte) 0xFF; // was 0xC3, the lead byte of "é"
    Path file = RawSafetensors.write(dir.resolve("t.safetensors"), header.length, header, new byte[4]);
    assertMentions(refused(file), file.toString(), "header is not valid UTF-8", "offset 3");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],}}",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[1,],\"data_offsets\":[0,4]}}",
      "{w:{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
      "{'w':{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]} /* c */}",
      "// c\n{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[NaN],\"data_offsets\":[0,4]}}",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,Infinity]}}",
      "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} trailing",
  })
  void lenientJsonIsRefused(String header) {
    Path file = file(header, 4);
    assertMentions(refused(file), file.toString(), "corrupt header JSON", "line 1");
  }
}
