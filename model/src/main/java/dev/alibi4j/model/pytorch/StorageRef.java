package dev.alibi4j.model.pytorch;

import java.util.Optional;

/**
 * A storage named by a persistent id {@code ('storage', <class>, key, location, count)}: its bytes
 * are the archive entry {@code <archive>/data/<key>}.
 *
 * @param key the entry's name under {@code data/}
 * @param dtype the element type of a typed storage; empty for {@code UntypedStorage}
 * @param bytes the storage's size in bytes, as the pickle declares it
 */
record StorageRef(String key, Optional<TorchDtype> dtype, long bytes) {

  @Override
  public String toString() {
    return "storage " + Quoted.of(key);
  }
}
