package dev.alibi4j.model.weights;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The named tensors of a checkpoint, whatever its file format (safetensors, PyTorch {@code .bin}):
 * what {@link WeightLoader} reads. Implementations validate their files when opened, so that a
 * tensor described here can be mapped.
 */
public interface TensorSource extends AutoCloseable {

  /** The files opened, for messages. */
  List<Path> files();

  /** Every tensor's name. */
  Set<String> tensorNames();

  /** Whether the checkpoint holds {@code name}. */
  boolean contains(String name);

  /**
   * The stored type, shape and file of {@code name}.
   *
   * @throws dev.alibi4j.model.CheckpointException when there is no such tensor
   */
  StoredTensor describe(String name);

  /**
   * Bytes {@code [offset, offset + length)} of {@code name}'s contiguous row-major data, read-only
   * and valid until {@code arena} closes: mapped from the file, or read into the arena's memory
   * when the source was opened not to map ({@link dev.alibi4j.model.LoadOptions#mmap()}).
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file when the bytes cannot be read
   */
  MemorySegment map(String name, long offset, long length, Arena arena);

  /** Releases the files; segments already mapped into other arenas stay valid. */
  @Override
  void close();
}
