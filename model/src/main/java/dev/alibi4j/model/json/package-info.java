/**
 * Strict JSON for every file a checkpoint names ({@code config.json}, {@code
 * generation_config.json}, the shard index, safetensors headers): RFC 8259 and nothing more, no
 * duplicate keys, strict UTF-8 ({@link dev.alibi4j.model.json.StrictJson}).
 */
package dev.alibi4j.model.json;
