/** Weight records the family mappers fill and the engine reads. */
package dev.alibi4j.engine.weights;
