package dev.alibi4j.model.pytorch;

import dev.alibi4j.engine.tensor.WeightType;
import java.util.Arrays;
import java.util.Optional;

/**
 * Element types a {@code .bin} checkpoint can name: through a legacy storage class ({@code
 * torch.FloatStorage}, ...) or, for the types torch added later, through a dtype global ({@code
 * torch.uint16}, ...) passed to {@code _rebuild_tensor_v3}. Only F32, F16 and BF16 are weight
 * types; the others are known so that a tensor of theirs is described by name (and refused by the
 * loader), never mapped as something else.
 */
enum TorchDtype {
  F32("float32", "FloatStorage", 4, WeightType.F32),
  F16("float16", "HalfStorage", 2, WeightType.F16),
  BF16("bfloat16", "BFloat16Storage", 2, WeightType.BF16),
  F64("float64", "DoubleStorage", 8, null),
  I64("int64", "LongStorage", 8, null),
  I32("int32", "IntStorage", 4, null),
  I16("int16", "ShortStorage", 2, null),
  I8("int8", "CharStorage", 1, null),
  U8("uint8", "ByteStorage", 1, null),
  BOOL("bool", "BoolStorage", 1, null),
  C64("complex64", "ComplexFloatStorage", 8, null),
  C128("complex128", "ComplexDoubleStorage", 16, null),
  // torch.storage._new_dtypes(): no storage class, saved through _rebuild_tensor_v3
  U16("uint16", null, 2, null),
  U32("uint32", null, 4, null),
  U64("uint64", null, 8, null),
  C32("complex32", null, 4, null),
  F8_E4M3("float8_e4m3fn", null, 1, null),
  F8_E5M2("float8_e5m2", null, 1, null),
  F8_E4M3FNUZ("float8_e4m3fnuz", null, 1, null),
  F8_E5M2FNUZ("float8_e5m2fnuz", null, 1, null),
  F8_E8M0("float8_e8m0fnu", null, 1, null),
  F4_E2M1_X2("float4_e2m1fn_x2", null, 1, null),
  BITS8("bits8", null, 1, null),
  BITS16("bits16", null, 2, null),
  BITS1X8("bits1x8", null, 1, null),
  BITS2X4("bits2x4", null, 1, null),
  BITS4X2("bits4x2", null, 1, null);

  private final String torchName;
  private final String storageClass;
  private final int byteSize;
  private final WeightType weightType;

  TorchDtype(String torchName, String storageClass, int byteSize, WeightType weightType) {
    this.torchName = torchName;
    this.storageClass = storageClass;
    this.byteSize = byteSize;
    this.weightType = weightType;
  }

  /** Bytes per element. */
  int byteSize() {
    return byteSize;
  }

  /** The weight type, for the types alibi4j loads. */
  Optional<WeightType> weightType() {
    return Optional.ofNullable(weightType);
  }

  /** The type whose legacy storage class is {@code torch.<name>}, if any. */
  static Optional<TorchDtype> ofStorageClass(String name) {
    return Arrays.stream(values()).filter(d -> name.equals(d.storageClass)).findFirst();
  }

  /** The type spelled {@code torch.<name>}, if any. */
  static Optional<TorchDtype> ofTorchName(String name) {
    return Arrays.stream(values()).filter(d -> d.torchName.equals(name)).findFirst();
  }
}
