/**
 * PyTorch {@code .bin} checkpoints ({@code torch.save} zip archives, single or sharded), read
 * without running anything from them ({@link dev.alibi4j.model.pytorch.PytorchCheckpoint}).
 *
 * <p>A {@code .bin} file is a pickle plus raw storages. Python's unpickler can call any function
 * the file names, so this package decodes the pickle itself: a fixed set of opcodes, a strict
 * allow-list of globals read as inert tokens, and bounded memory. The zip's central directory
 * (ZIP64 included) is read directly, so that storages can be mapped in place like safetensors.
 */
package dev.alibi4j.model.pytorch;
