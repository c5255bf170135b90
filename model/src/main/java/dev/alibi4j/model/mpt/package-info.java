/**
 * The MPT family (transformers {@code models/mpt}): {@link dev.alibi4j.model.mpt.MptConfig}
 * reads and vets {@code config.json}, {@link dev.alibi4j.model.mpt.MptWeights} maps tensor names
 * to engine weights.
 */
package dev.alibi4j.model.mpt;
