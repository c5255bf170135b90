package dev.alibi4j.engine.reference;

import static dev.alibi4j.engine.reference.ReferenceMath.add;
import static dev.alibi4j.engine.reference.ReferenceMath.layerNorm;
import static dev.alibi4j.engine.reference.ReferenceMath.linear;
import static dev.alibi4j.engine.reference.ReferenceMath.softmax;

import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.ResidualSource;
import dev.alibi4j.engine.nn.QkvLayout;

/**
 * A plain float64 ALiBi transformer, one position at a time, no cache, written from the BLOOM
 * and MPT equations: it shares no code with the engine. The bias uses the paper's relative form
 * {@code slope * (j - i)}, not the engine's {@code slope * j}.
 */
public final class ReferenceTransformer {

  private final TransformerConfig c;
  private final ReferenceWeights w;
  private final double[] slopes;

  public ReferenceTransformer(TransformerConfig config, ReferenceWeights weights) {
    this.c = config;
    this.w = weights;
    this.slopes =
        config.slopeScheme() == SlopeScheme.BLOOM
            ? ReferenceSlopes.bloom(config.numHeads())
            : ReferenceSlopes.mpt(config.numHeads(), config.alibiBiasMax());
  }

  /** Logits {@code [position][vocab]} for every position of {@code ids}. */
  public double[][] logits(int[] ids) {
    int n = ids.length;
    double[][] x = new double[n][];
    for (int t = 0; t < n; t++) {
      x[t] = w.embeddings()[ids[t]].clone();
      if (c.embeddingLayerNorm()) {
        x[t] = layerNorm(x[t], w.embLnWeight(), w.embLnBias(), c.layerNormEps());
      }
    }
    for (ReferenceWeights.Layer layer : w.layers()) {
      x = block(layer, x);
    }
    double[][] logits = new double[n][];
    for (int t = 0; t < n; t++) {
      double[] h = layerNorm(x[t], w.finalLnWeight(), w.finalLnBias(), c.layerNormEps());
      logits[t] = linear(w.lmHead(), null, h);
      for (int v = 0; v < logits[t].length; v++) {
        logits[t][v] *= c.logitScale();
      }
    }
    return logits;
  }

  private double[][] block(ReferenceWeights.Layer l, double[][] x) {
    int n = x.length;
    int hidden = c.hiddenSize();
    int heads = c.numHeads();
    int d = c.headDim();
    double[][] normed = new double[n][];
    double[][][] q = new double[n][heads][d];
    double[][][] k = new double[n][heads][d];
    double[][][] v = new double[n][heads][d];
    for (int t = 0; t < n; t++) {
      normed[t] = layerNorm(x[t], l.ln1Weight(), l.ln1Bias(), c.layerNormEps());
      double[] fused = linear(l.qkvWeight(), l.qkvBias(), normed[t]);
      for (int f = 0; f < fused.length; f++) {
        if (!Double.isNaN(c.clipQkv())) {
          fused[f] = Math.max(-c.clipQkv(), Math.min(c.clipQkv(), fused[f]));
        }
      }
      for (int h = 0; h < heads; h++) {
        for (int e = 0; e < d; e++) {
          if (c.qkvLayout() == QkvLayout.PER_HEAD_INTERLEAVED) {
            // feature index of (head h, part p, dim e) in view(heads, 3, d)
            q[t][h][e] = fused[(h * 3) * d + e];
            k[t][h][e] = fused[(h * 3 + 1) * d + e];
            v[t][h][e] = fused[(h * 3 + 2) * d + e];
          } else {
            // chunk(3): part p occupies features [p * hidden, (p + 1) * hidden)
            q[t][h][e] = fused[h * d + e];
            k[t][h][e] = fused[hidden + h * d + e];
            v[t][h][e] = fused[2 * hidden + h * d + e];
          }
        }
      }
    }
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      double[] context = new double[hidden];
      for (int h = 0; h < heads; h++) {
        double[] scores = new double[i + 1]; // causal: keys 0..i
        for (int j = 0; j <= i; j++) {
          double dot = 0;
          for (int e = 0; e < d; e++) {
            dot += q[i][h][e] * k[j][h][e];
          }
          double bias = slopes[h] * (j - i);
          // BLOOM and MPT scale q·k, then add the bias; Falcon adds the bias, then scales both.
          scores[j] = c.alibiOrder() == AlibiOrder.BEFORE_SCALE
              ? (dot + bias) * c.softmaxScale()
              : dot * c.softmaxScale() + bias;
        }
        double[] p = softmax(scores);
        for (int j = 0; j <= i; j++) {
          for (int e = 0; e < d; e++) {
            context[h * d + e] += p[j] * v[j][h][e];
          }
        }
      }
      double[] attn = linear(l.outWeight(), l.outBias(), context);
      double[] afterAttn = add(attn, c.residual() == ResidualSource.NORMED_INPUT ? normed[i] : x[i]);
      double[] normed2 = layerNorm(afterAttn, l.ln2Weight(), l.ln2Bias(), c.layerNormEps());
      double[] inner = linear(l.upWeight(), l.upBias(), normed2);
      for (int f = 0; f < inner.length; f++) {
        inner[f] =
            c.activation() == Activation.GELU_TANH
                ? ReferenceMath.geluTanh(inner[f])
                : ReferenceMath.geluExact(inner[f]);
      }
      double[] mlp = linear(l.downWeight(), l.downBias(), inner);
      out[i] = add(mlp, c.residual() == ResidualSource.NORMED_INPUT ? normed2 : afterAttn);
    }
    return out;
  }
}
