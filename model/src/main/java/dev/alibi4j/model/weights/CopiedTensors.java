package dev.alibi4j.model.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * A tensor source whose bytes are copied into the caller's arena, never left mapped: a model
 * loaded through it cannot be crashed (SIGBUS) or changed by later writes to its files. Each
 * tensor's range is mapped only while it is copied.
 */
public final class CopiedTensors implements TensorSource {

  private final TensorSource source;

  /** @param source the files to copy from; closed with this */
  public CopiedTensors(TensorSource source) {
    this.source = source;
  }

  @Override
  public List<Path> files() {
    return source.files();
  }

  @Override
  public Set<String> tensorNames() {
    return source.tensorNames();
  }

  @Override
  public boolean contains(String name) {
    return source.contains(name);
  }

  @Override
  public StoredTensor describe(String name) {
    return source.describe(name);
  }

  @Override
  public MemorySegment map(String name, long offset, long length, Arena arena) {
    MemorySegment copy = arena.allocate(length, 64);
    try (Arena window = Arena.ofConfined()) {
      copy.copyFrom(source.map(name, offset, length, window));
    }
    return copy.asReadOnly();
  }

  @Override
  public void close() {
    source.close();
  }
}
