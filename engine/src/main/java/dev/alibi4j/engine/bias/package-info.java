/** ALiBi: head slopes ({@code get_slopes}, MPT's variant) and the bias + causal mask. */
package dev.alibi4j.engine.bias;
