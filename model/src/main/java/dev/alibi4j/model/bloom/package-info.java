/**
 * The BLOOM family (transformers {@code models/bloom}): {@link
 * dev.alibi4j.model.bloom.BloomConfig} reads {@code config.json}, {@link
 * dev.alibi4j.model.bloom.BloomWeights} maps tensor names to engine weights.
 */
package dev.alibi4j.model.bloom;
