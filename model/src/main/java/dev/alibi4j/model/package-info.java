/**
 * Loading Hugging Face checkpoints of ALiBi models and the public facade.
 *
 * <p>{@link dev.alibi4j.model.AlibiLM} ties model, tokenizer and generation together. Below it,
 * {@link dev.alibi4j.model.Checkpoint#load} reads a directory ({@code config.json}, safetensors
 * weights, token ids, {@code tokenizer.json}) for a {@link dev.alibi4j.model.Family}. Every
 * checkpoint error is a {@link dev.alibi4j.model.CheckpointException} whose message names the file
 * and the tensor or field. {@link dev.alibi4j.model.HubCache} finds a hub repository id such as
 * {@code bigscience/bloom-560m} in the local Hugging Face cache; nothing is ever downloaded.
 */
package dev.alibi4j.model;
