/** Evaluation of a language model: windowed perplexity as in the ALiBi paper. */
package dev.alibi4j.engine.eval;
