/**
 * Training a small ALiBi model with the engine's own blocks and DJL's autograd, and writing it as
 * a Hugging Face MPT checkpoint (used by the CLI's {@code train} command).
 */
package dev.alibi4j.examples.train;
