package dev.alibi4j.engine.nn;

/** Order of the output features of a fused query-key-value projection of width 3 × hidden. */
public enum QkvLayout {
  /** BLOOM: per head, q, k, v follow each other: {@code view(b, s, heads, 3, head_dim)}. */
  PER_HEAD_INTERLEAVED,
  /** MPT: all queries, then all keys, then all values: {@code chunk(3)} then {@code view(b, s, heads, head_dim)}. */
  CONTIGUOUS
}
