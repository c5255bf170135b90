/**
 * Text to token ids and back, for the Hugging Face {@code tokenizer.json} that ships with BLOOM and
 * MPT checkpoints.
 *
 * <p>{@link dev.alibi4j.tokenizer.Tokenizer} wraps DJL's binding of the Rust {@code tokenizers}
 * library and gives the same ids and text as Hugging Face. {@link
 * dev.alibi4j.tokenizer.StreamingDetokenizer} turns generated ids into text one token at a time,
 * never cutting a character in half.
 */
package dev.alibi4j.tokenizer;
