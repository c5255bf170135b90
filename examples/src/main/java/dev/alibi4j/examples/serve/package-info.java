/**
 * The {@code serve} command's OpenAI-compatible HTTP server: {@code /v1/completions}, {@code
 * /v1/chat/completions} (plain JSON or server-sent events), {@code /v1/models}, {@code /health}
 * and {@code /metrics}, on Helidon SE. Every request runs on its own virtual thread and hands its
 * generation to the model's batch scheduler, which batches all of them.
 */
package dev.alibi4j.examples.serve;
