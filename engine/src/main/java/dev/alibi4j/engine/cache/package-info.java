/** The KV cache: per-layer keys and values, preallocated and written in place. */
package dev.alibi4j.engine.cache;
