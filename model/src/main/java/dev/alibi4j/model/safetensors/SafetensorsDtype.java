package dev.alibi4j.model.safetensors;

import dev.alibi4j.engine.tensor.WeightType;
import java.util.Arrays;
import java.util.Optional;

/**
 * Element types named in a safetensors header. Every type is parsed (so offsets can be checked);
 * only {@link #isLoadable() F32, F16 and BF16} can be read into an array.
 */
public enum SafetensorsDtype {
  BOOL(8),
  U8(8),
  I8(8),
  F8_E5M2(8),
  F8_E4M3(8),
  F8_E8M0(8),
  I16(16),
  U16(16),
  F16(16),
  BF16(16),
  I32(32),
  U32(32),
  F32(32),
  F64(64),
  I64(64),
  U64(64),
  C64(64);

  private final int bits;

  SafetensorsDtype(int bits) {
    this.bits = bits;
  }

  /** Bytes per element. */
  public int byteSize() {
    return bits / 8;
  }

  /** Whether tensors of this type can be loaded (converted to FLOAT32 or FLOAT16). */
  public boolean isLoadable() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** The same as a weight type, when it is one alibi4j loads (F32, F16, BF16). */
  public Optional<WeightType> weightType() {
    return switch (this) {
      case F32 -> Optional.of(WeightType.F32);
      case F16 -> Optional.of(WeightType.F16);
      case BF16 -> Optional.of(WeightType.BF16);
      default -> Optional.empty();
    };
  }

  /** The type spelled {@code name} in a header, if it is one. */
  public static Optional<SafetensorsDtype> parse(String name) {
    return Arrays.stream(values()).filter(d -> d.name().equals(name)).findFirst();
  }

  /** The loadable types, for error messages. */
  public static String loadableNames() {
    return "F32, F16 and BF16";
  }
}
