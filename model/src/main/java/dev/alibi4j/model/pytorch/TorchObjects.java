package dev.alibi4j.model.pytorch;

import static dev.alibi4j.model.pytorch.Unpickler.describe;

import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.pytorch.AllowedGlobals.Call;
import dev.alibi4j.model.pytorch.AllowedGlobals.Dtype;
import dev.alibi4j.model.pytorch.AllowedGlobals.StorageClass;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code torch.save}'s pickle means, reproduced without torch: storages from persistent ids,
 * tensors from {@code _rebuild_tensor_v2}/{@code _v3} calls, {@code OrderedDict}s. Only the
 * {@link AllowedGlobals} can be named, and each call is checked against the signature torch
 * writes, so no value reaches a place it was not made for.
 */
final class TorchObjects implements PickleObjects {

  private final String where;
  private final Map<String, StorageRef> storages = new HashMap<>();

  /** @param where the file and pickle, for messages */
  TorchObjects(String where) {
    this.where = where;
  }

  @Override
  public Object global(String module, String name) {
    return AllowedGlobals.resolve(module, name, where);
  }

  @Override
  public Object reduce(Object callable, PickleTuple args) {
    if (!(callable instanceof Call call)) {
      throw fail("refusing REDUCE of " + describe(callable)
          + ": only OrderedDict and torch's tensor rebuild functions may be called");
    }
    return switch (call) {
      case ORDERED_DICT -> {
        arity(call, args, 0, 0);
        yield new LinkedHashMap<>();
      }
      case REBUILD_TENSOR_V2 -> {
        arity(call, args, 6, 7);
        StorageRef storage = storage(call, args);
        // an untyped storage holds bytes: torch reads it as uint8
        yield tensor(call, args, storage, storage.dtype().orElse(TorchDtype.U8), 6);
      }
      case REBUILD_TENSOR_V3 -> {
        arity(call, args, 7, 8);
        if (!(args.get(6) instanceof Dtype dtype)) {
          throw fail(call + "'s dtype is " + describe(args.get(6)) + ", not a torch dtype");
        }
        yield tensor(call, args, storage(call, args), dtype.dtype(), 7);
      }
      case REBUILD_PARAMETER -> {
        arity(call, args, 3, 3);
        if (!(args.get(0) instanceof PickledTensor tensor)) {
          throw fail(call + " of " + describe(args.get(0)) + ", not a tensor");
        }
        yield tensor; // a Parameter is its tensor plus autograd flags
      }
    };
  }

  @Override
  public void build(Object target, Object state) {
    // OrderedDict attributes (state_dict()'s _metadata: module versions), which hold no weights
    if (target instanceof LinkedHashMap<?, ?> && state instanceof Map<?, ?>) {
      return;
    }
    throw fail("refusing BUILD of " + describe(target) + " with " + describe(state)
        + ": only a state dict's attributes may be set");
  }

  @Override
  public Object persistentLoad(Object pid) {
    if (!(pid instanceof PickleTuple t) || t.size() != 5 || !"storage".equals(t.get(0))) {
      throw fail("persistent id is " + describe(pid)
          + ", not ('storage', class, key, location, size)");
    }
    if (!(t.get(1) instanceof StorageClass type)) {
      throw fail("persistent id names " + describe(t.get(1)) + ", not a torch storage class");
    }
    if (!(t.get(2) instanceof String key) || !(t.get(3) instanceof String)) {
      throw fail("persistent id's key and location are " + describe(t.get(2)) + " and "
          + describe(t.get(3)) + ", not strings");
    }
    long count = nonNegative(t.get(4), "persistent id's size");
    Optional<TorchDtype> dtype = type.dtype();
    long bytes = dtype.isPresent() ? multiply(count, dtype.get().byteSize(), key) : count;
    StorageRef ref = new StorageRef(key, dtype, bytes);
    StorageRef earlier = storages.putIfAbsent(key, ref);
    if (earlier != null && !earlier.equals(ref)) {
      throw fail("storage " + Quoted.of(key) + " is declared twice, as " + earlier.bytes()
          + " bytes of " + earlier.dtype().map(Enum::name).orElse("untyped") + " and as "
          + bytes + " bytes of " + dtype.map(Enum::name).orElse("untyped"));
    }
    return earlier != null ? earlier : ref;
  }

  private PickledTensor tensor(Call call, PickleTuple args, StorageRef storage, TorchDtype dtype,
      int metadataAt) {
    long offset = nonNegative(args.get(1), call + "'s storage_offset");
    long[] shape = dims(args.get(2), call + "'s size");
    long[] stride = dims(args.get(3), call + "'s stride");
    if (shape.length != stride.length) {
      throw fail(call + " has " + shape.length + " sizes but " + stride.length + " strides");
    }
    if (!(args.get(4) instanceof Boolean)) {
      throw fail(call + "'s requires_grad is " + describe(args.get(4)) + ", not a bool");
    }
    if (!(args.get(5) instanceof Map<?, ?>)) {
      throw fail(call + "'s backward hooks are " + describe(args.get(5)) + ", not a dict");
    }
    if (args.size() > metadataAt) {
      Object metadata = args.get(metadataAt);
      if (metadata != null && !(metadata instanceof Map<?, ?> m && m.isEmpty())) {
        // e.g. a negative or conjugate bit, which would change every value
        throw fail(call + " carries tensor metadata (" + describe(metadata) + "), which is not supported");
      }
    }
    return new PickledTensor(storage, dtype, offset, shape, stride);
  }

  private StorageRef storage(Call call, PickleTuple args) {
    if (!(args.get(0) instanceof StorageRef storage)) {
      throw fail(call + " of " + describe(args.get(0)) + ", not a persistent storage");
    }
    return storage;
  }

  private void arity(Call call, PickleTuple args, int min, int max) {
    if (args.size() < min || args.size() > max) {
      throw fail(call + " called with " + args.size() + " arguments, expected "
          + (min == max ? min : min + " or " + max));
    }
  }

  private long[] dims(Object value, String what) {
    if (!(value instanceof PickleTuple t)) {
      throw fail(what + " is " + describe(value) + ", not a tuple of ints");
    }
    long[] dims = new long[t.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = nonNegative(t.get(i), what);
    }
    return dims;
  }

  private long nonNegative(Object value, String what) {
    if (!(value instanceof Long l) || l < 0) {
      throw fail(what + " is " + describe(value) + ", not a non-negative int");
    }
    return l;
  }

  private long multiply(long count, int byteSize, String key) {
    try {
      return Math.multiplyExact(count, byteSize);
    } catch (ArithmeticException e) {
      throw fail("storage " + Quoted.of(key) + " of " + count + " elements is too large");
    }
  }

  private CheckpointException fail(String problem) {
    return new CheckpointException(where + ": " + problem);
  }
}
