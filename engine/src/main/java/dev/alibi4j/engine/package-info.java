/**
 * The alibi4j runtime: an ALiBi decoder-only transformer over in-memory weights.
 *
 * <p>{@link dev.alibi4j.engine.TransformerConfig} describes the architecture, {@link
 * dev.alibi4j.engine.weights.ModelWeights} holds the arrays, {@link
 * dev.alibi4j.engine.AlibiTransformer} runs them, and an {@link dev.alibi4j.engine.InferenceSession}
 * carries one sequence's KV cache. The engine knows no file formats.
 */
package dev.alibi4j.engine;
