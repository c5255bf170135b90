/**
 * What alibi4j needs from libtorch beyond DJL's NDArray API: direct slices (fewer native calls
 * than DJL's index parser) and the intra-op thread count. Kept apart so that the blocks, the
 * cache and the mask depend on it and not on each other.
 */
package dev.alibi4j.engine.torch;
