/**
 * Loading a family's named weights with shape checks ({@link
 * dev.alibi4j.model.weights.WeightLoader}), shared by the per-family mappers.
 */
package dev.alibi4j.model.weights;
