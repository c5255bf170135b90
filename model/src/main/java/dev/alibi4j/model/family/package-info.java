/**
 * One recipe per model family ({@code FamilyRecipe}): config parsing and writing, the tensor-name
 * table, and the block design; the shared tensor roles and their shapes.
 */
package dev.alibi4j.model.family;
