package dev.alibi4j.model.pytorch;

/**
 * What the opcodes that could run code mean in one kind of file: {@link Unpickler} decodes, this
 * decides. Implementations throw {@link dev.alibi4j.model.CheckpointException} for anything they do
 * not allow.
 */
interface PickleObjects {

  /** The value of GLOBAL {@code module.name}. */
  Object global(String module, String name);

  /** The value of REDUCE: {@code callable(*args)}. */
  Object reduce(Object callable, PickleTuple args);

  /** BUILD: sets {@code state} on {@code target}. */
  void build(Object target, Object state);

  /** The value of BINPERSID for persistent id {@code pid}. */
  Object persistentLoad(Object pid);
}
