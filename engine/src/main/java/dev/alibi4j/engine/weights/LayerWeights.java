package dev.alibi4j.engine.weights;

import ai.djl.ndarray.NDArray;
import dev.alibi4j.engine.tensor.WeightMatrix;

/**
 * Weights of one decoder block: matrices in PyTorch {@code nn.Linear} layout ({@code [out, in]})
 * in their storage type, vectors (norm gains, biases) as float32 arrays. Biases are {@code null}
 * where the architecture has none (MPT).
 *
 * @param ln1Weight input layer norm gain {@code [hidden]}
 * @param ln1Bias input layer norm bias {@code [hidden]} or null
 * @param qkvWeight fused QKV projection {@code [3 * hidden, hidden]}, ordered as the config's QkvLayout
 * @param qkvBias {@code [3 * hidden]} or null
 * @param outWeight attention output projection {@code [hidden, hidden]}
 * @param outBias {@code [hidden]} or null
 * @param ln2Weight post-attention layer norm gain {@code [hidden]}
 * @param ln2Bias {@code [hidden]} or null
 * @param upWeight MLP up projection {@code [ffn, hidden]}
 * @param upBias {@code [ffn]} or null
 * @param downWeight MLP down projection {@code [hidden, ffn]}
 * @param downBias {@code [hidden]} or null
 */
public record LayerWeights(
    NDArray ln1Weight,
    NDArray ln1Bias,
    WeightMatrix qkvWeight,
    NDArray qkvBias,
    WeightMatrix outWeight,
    NDArray outBias,
    NDArray ln2Weight,
    NDArray ln2Bias,
    WeightMatrix upWeight,
    NDArray upBias,
    WeightMatrix downWeight,
    NDArray downBias) {}
