/**
 * Reading Hugging Face {@code config.json} and {@code generation_config.json}: typed access with
 * errors that name the file and field ({@link dev.alibi4j.model.config.JsonConfig}), special
 * token ids ({@link dev.alibi4j.model.config.SpecialTokens}) and the contract each model family
 * implements ({@link dev.alibi4j.model.config.FamilyConfig}).
 */
package dev.alibi4j.model.config;
