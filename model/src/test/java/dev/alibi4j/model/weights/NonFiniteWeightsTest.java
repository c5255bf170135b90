package dev.alibi4j.model.weights;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.LoadOptions;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.model.testing.RawSafetensors;
import dev.alibi4j.model.testing.TinyCheckpoints;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One NaN or infinity in a weight is refused at load, naming the file, the tensor and where, in
 * every stored type and every way a weight is held (mapped, read into memory, converted,
 * quantized).
 */
class NonFiniteWeightsTest {

  private static final String MATRIX = "h.0.self_attention.dense.weight"; // [32, 32]
  private static final String VECTOR = "h.1.input_layernorm.weight"; // [32]

  @TempDir Path dir;

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(SafetensorsDtype.F32, null, true),
        Arguments.of(SafetensorsDtype.F32, null, false),
        Arguments.of(SafetensorsDtype.F32, WeightType.F16, true),
        Arguments.of(SafetensorsDtype.F32, WeightType.Q8_0, true),
        Arguments.of(SafetensorsDtype.F16, null, true),
        Arguments.of(SafetensorsDtype.F16, WeightType.F32, true),
        Arguments.of(SafetensorsDtype.BF16, null, true),
        Arguments.of(SafetensorsDtype.BF16, null, false),
        Arguments.of(SafetensorsDtype.BF16, WeightType.Q8_0, false));
  }

  /** The bytes of NaN (or +infinity) in {@code dtype}. */
  private static byte[] bad(SafetensorsDtype dtype, boolean nan) {
    return switch (dtype) {
      case F32 -> RawSafetensors.f32(nan ? Float.NaN : Float.POSITIVE_INFINITY);
      case F16 -> RawSafetensors.bits16(nan ? 0x7E00 : 0x7C00);
      default -> RawSafetensors.bits16(nan ? 0x7FC0 : 0x7F80);
    };
  }

  private CheckpointException loadFails(WeightType type, boolean mmap) {
    return assertThrows(CheckpointException.class,
        () -> Checkpoint.load(dir, type, LoadOptions.DEFAULT.withMmap(mmap)).close());
  }

  @ParameterizedTest(name = "{0} held as {1}, mmap {2}")
  @MethodSource("cases")
  void aNanInAMatrixIsRefusedWithItsPosition(SafetensorsDtype dtype, WeightType type, boolean mmap) {
    TinyCheckpoints.bloom().hidden(32).dtype(dtype).write(dir);
    Path file = dir.resolve("model.safetensors");
    long element = 32 * 2 + 5; // [2, 5]
    RawSafetensors.overwrite(file, MATRIX, element * dtype.byteSize(), bad(dtype, true));
    assertMentions(loadFails(type, mmap), file.toString(), "'" + MATRIX + "'", "NaN at [2, 5]",
        "must be finite");
  }

  @ParameterizedTest(name = "{0} held as {1}, mmap {2}")
  @MethodSource("cases")
  void anInfinityInTheLastElementIsRefused(SafetensorsDtype dtype, WeightType type, boolean mmap) {
    TinyCheckpoints.bloom().hidden(32).dtype(dtype).write(dir);
    Path file = dir.resolve("model.safetensors");
    RawSafetensors.overwrite(file, MATRIX, 1023L * dtype.byteSize(), bad(dtype, false));
    assertMentions(loadFails(type, mmap), "'" + MATRIX + "'", "an infinite value at [31, 31]");
  }

  @ParameterizedTest(name = "{0} held as {1}, mmap {2}")
  @MethodSource("cases")
  void aNanInAVectorIsRefused(SafetensorsDtype dtype, WeightType type, boolean mmap) {
    TinyCheckpoints.bloom().hidden(32).dtype(dtype).write(dir);
    Path file = dir.resolve("model.safetensors");
    RawSafetensors.overwrite(file, VECTOR, 7L * dtype.byteSize(), bad(dtype, true));
    assertMentions(loadFails(type, mmap), file.toString(), "'" + VECTOR + "'", "NaN at [7]");
  }
}
