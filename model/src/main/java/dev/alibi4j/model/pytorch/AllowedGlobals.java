package dev.alibi4j.model.pytorch;

import dev.alibi4j.model.CheckpointException;
import java.util.Optional;

/**
 * The only globals a checkpoint's pickle may name, each read as an inert token: nothing is ever
 * imported or called. Every other global ({@code os.system}, {@code builtins.eval}, ...) is refused
 * when the pickle names it, before anything could use it.
 *
 * <ul>
 *   <li>{@code collections.OrderedDict}: the state dict, and every tensor's (empty) backward hooks.
 *   <li>{@code torch._utils._rebuild_tensor_v2}: how torch saves every F32, F16 and BF16 tensor.
 *   <li>{@code torch._utils._rebuild_tensor_v3}: how torch 2.x saves the types without a storage
 *       class (uint16, float8, ...), so such a tensor is described by its dtype, not refused.
 *   <li>{@code torch._utils._rebuild_parameter}: an {@code nn.Parameter} around a tensor (state
 *       dicts saved with {@code keep_vars=True}, or built from {@code named_parameters()}).
 *   <li>{@code torch.<T>Storage} (legacy typed storages: Float, Half, BFloat16 load; Double,
 *       Long, Int, Short, Char, Byte, Bool, ComplexFloat, ComplexDouble are only described) and
 *       {@code torch.UntypedStorage} (or {@code torch.storage.UntypedStorage}): the storage type
 *       in each persistent id.
 *   <li>{@code torch.<dtype>} ({@code torch.float8_e4m3fn}, ...): {@code _rebuild_tensor_v3}'s
 *       dtype argument.
 * </ul>
 */
final class AllowedGlobals {

  private AllowedGlobals() {}

  /** A callable the pickle may REDUCE with. */
  enum Call {
    ORDERED_DICT("collections.OrderedDict"),
    REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
    REBUILD_TENSOR_V3("torch._utils._rebuild_tensor_v3"),
    REBUILD_PARAMETER("torch._utils._rebuild_parameter");

    private final String qualifiedName;

    Call(String qualifiedName) {
      this.qualifiedName = qualifiedName;
    }

    @Override
    public String toString() {
      return qualifiedName;
    }
  }

  /**
   * A storage class named by a persistent id.
   *
   * @param name as the pickle spells it
   * @param dtype its element type; empty for {@code UntypedStorage}, whose count is in bytes
   */
  record StorageClass(String name, Optional<TorchDtype> dtype) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A dtype ({@code torch.float32}, ...).
   *
   * @param name as the pickle spells it
   * @param dtype the element type
   */
  record Dtype(String name, TorchDtype dtype) {
    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * The token of global {@code module.name}.
   *
   * @param where the file and pickle, for the message
   * @throws CheckpointException naming the global and the file when it is not allowed
   */
  static Object resolve(String module, String name, String where) {
    String qualified = module + "." + name;
    for (Call call : Call.values()) {
      if (call.qualifiedName.equals(qualified)) {
        return call;
      }
    }
    if (module.equals("torch") || module.equals("torch.storage")) {
      if (name.equals("UntypedStorage")) {
        return new StorageClass(qualified, Optional.empty());
      }
    }
    if (module.equals("torch")) {
      Optional<TorchDtype> storage = TorchDtype.ofStorageClass(name);
      if (storage.isPresent()) {
        return new StorageClass(qualified, storage);
      }
      Optional<TorchDtype> dtype = TorchDtype.ofTorchName(name);
      if (dtype.isPresent()) {
        return new Dtype(qualified, dtype.get());
      }
    }
    throw new CheckpointException(where + ": refusing pickle global " + Quoted.of(qualified)
        + ": a checkpoint may only name tensors, storages and OrderedDict, never code to run");
  }
}
