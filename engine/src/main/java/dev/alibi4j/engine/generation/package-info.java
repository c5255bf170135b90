/**
 * Text generation over any {@link dev.alibi4j.engine.CausalLanguageModel}: parameters, logits
 * processors in Hugging Face order (repetition penalty, temperature, top-k, top-p), samplers with
 * their own seeded random state, stop criteria (EOS, length, stop strings) and streaming.
 */
package dev.alibi4j.engine.generation;
