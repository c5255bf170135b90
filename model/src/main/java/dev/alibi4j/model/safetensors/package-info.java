/**
 * The safetensors format: reading by memory mapping ({@link
 * dev.alibi4j.model.safetensors.SafetensorsFile}), single-file and sharded checkpoints ({@link
 * dev.alibi4j.model.safetensors.SafetensorsCheckpoint}), F32/F16/BF16 conversion ({@link
 * dev.alibi4j.model.safetensors.HalfFloats}) and writing ({@link
 * dev.alibi4j.model.safetensors.SafetensorsWriter}).
 *
 * <p>Files are never read through a Java {@code byte[]}: tensors are mapped one at a time (in
 * windows when over 2 GiB), and BF16 is widened in Java because DJL's PyTorch engine has no
 * bfloat16 type.
 */
package dev.alibi4j.model.safetensors;
