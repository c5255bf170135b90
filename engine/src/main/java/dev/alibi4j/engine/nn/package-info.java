/** NDArray building blocks: layer norm, linear, MLP, multi-head attention, decoder block. */
package dev.alibi4j.engine.nn;
