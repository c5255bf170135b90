/**
 * Loading Hugging Face checkpoints of ALiBi models: {@link dev.alibi4j.model.Checkpoint#load}
 * reads a directory ({@code config.json}, safetensors weights, token ids, {@code tokenizer.json})
 * for a {@link dev.alibi4j.model.Family}. Every error is a {@link
 * dev.alibi4j.model.CheckpointException} whose message names the file and the tensor or field.
 */
package dev.alibi4j.model;
