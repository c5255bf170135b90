package dev.alibi4j.engine;

import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import dev.alibi4j.engine.nn.ResidualSource;
import java.util.Objects;

/**
 * Architecture of an ALiBi decoder-only transformer, independent of any checkpoint format: its
 * sizes, its {@link BlockDesign}, and its attention settings. Built with {@link #builder()};
 * family recipes in the {@code model} module translate each {@code config.json} into one.
 */
public final class TransformerConfig {

  private final int vocabSize;
  private final int hiddenSize;
  private final int numHeads;
  private final int numLayers;
  private final int ffnHiddenSize;
  private final double layerNormEps;
  private final BlockDesign design;
  private final SlopeScheme slopeScheme;
  private final double alibiBiasMax;
  private final double clipQkv;
  private final double softmaxScale;
  private final double logitScale;

  private TransformerConfig(Builder b) {
    requirePositive("vocabSize", b.vocabSize);
    requirePositive("hiddenSize", b.hiddenSize);
    requirePositive("numHeads", b.numHeads);
    requirePositive("numLayers", b.numLayers);
    requirePositive("ffnHiddenSize", b.ffnHiddenSize);
    if (b.hiddenSize % b.numHeads != 0) {
      throw new IllegalArgumentException(
          "hiddenSize " + b.hiddenSize + " is not a multiple of numHeads " + b.numHeads);
    }
    if (!(b.layerNormEps > 0)) {
      throw new IllegalArgumentException("layerNormEps must be > 0, got " + b.layerNormEps);
    }
    if (b.qkvLayout == null || b.activation == null || b.slopeScheme == null) {
      throw new IllegalArgumentException("qkvLayout, activation and slopeScheme are required");
    }
    if (b.slopeScheme == SlopeScheme.MPT && !(b.alibiBiasMax > 0)) {
      throw new IllegalArgumentException("alibiBiasMax must be > 0, got " + b.alibiBiasMax);
    }
    if (!Double.isNaN(b.clipQkv) && !(b.clipQkv > 0)) {
      throw new IllegalArgumentException("clipQkv must be > 0 or NaN (off), got " + b.clipQkv);
    }
    double scale = Double.isNaN(b.softmaxScale) ? 1 / Math.sqrt((double) b.hiddenSize / b.numHeads) : b.softmaxScale;
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("softmaxScale must be finite and > 0, got " + scale);
    }
    if (!Double.isFinite(b.logitScale) || b.logitScale == 0) {
      throw new IllegalArgumentException("logitScale must be finite and non-zero, got " + b.logitScale);
    }
    this.vocabSize = b.vocabSize;
    this.hiddenSize = b.hiddenSize;
    this.numHeads = b.numHeads;
    this.numLayers = b.numLayers;
    this.ffnHiddenSize = b.ffnHiddenSize;
    this.layerNormEps = b.layerNormEps;
    this.design = new BlockDesign(b.qkvLayout, b.activation, b.embeddingNorm, b.residual, b.alibiOrder);
    this.slopeScheme = b.slopeScheme;
    this.alibiBiasMax = b.alibiBiasMax;
    this.clipQkv = b.clipQkv;
    this.softmaxScale = scale;
    this.logitScale = b.logitScale;
  }

  /** A builder; sizes, QKV layout, activation and slope scheme are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** Rows of the embedding matrix. */
  public int vocabSize() {
    return vocabSize;
  }

  /** Model width (d_model). */
  public int hiddenSize() {
    return hiddenSize;
  }

  /** Attention heads. */
  public int numHeads() {
    return numHeads;
  }

  /** Decoder blocks. */
  public int numLayers() {
    return numLayers;
  }

  /** Inner width of the MLP. */
  public int ffnHiddenSize() {
    return ffnHiddenSize;
  }

  /** Epsilon of every layer norm. */
  public double layerNormEps() {
    return layerNormEps;
  }

  /** How the blocks are composed. */
  public BlockDesign design() {
    return design;
  }

  /** How the fused QKV projection orders its output features. */
  public QkvLayout qkvLayout() {
    return design.qkvLayout();
  }

  /** MLP non-linearity. */
  public Activation activation() {
    return design.activation();
  }

  /** Whether a layer norm follows the token embedding. */
  public boolean embeddingLayerNorm() {
    return design.embeddingNorm();
  }

  /** What the sublayers' outputs are added to. */
  public ResidualSource residual() {
    return design.residual();
  }

  /** How ALiBi head slopes are derived. */
  public SlopeScheme slopeScheme() {
    return slopeScheme;
  }

  /** MPT's {@code alibi_bias_max} (ignored by the BLOOM scheme). */
  public double alibiBiasMax() {
    return alibiBiasMax;
  }

  /** Where the bias enters relative to the score scale. */
  public AlibiOrder alibiOrder() {
    return design.alibiOrder();
  }

  /** Clamp of the fused QKV output to ±clipQkv; NaN when off. */
  public double clipQkv() {
    return clipQkv;
  }

  /** Factor applied to q·kᵀ (default 1/√head_dim). */
  public double softmaxScale() {
    return softmaxScale;
  }

  /** Factor applied to the final logits (1 for none). */
  public double logitScale() {
    return logitScale;
  }

  /** Width of one attention head. */
  public int headDim() {
    return hiddenSize / numHeads;
  }

  /** A builder holding these settings, to derive a variant. */
  public Builder toBuilder() {
    return new Builder().vocabSize(vocabSize).hiddenSize(hiddenSize).numHeads(numHeads)
        .numLayers(numLayers).ffnHiddenSize(ffnHiddenSize).layerNormEps(layerNormEps)
        .qkvLayout(design.qkvLayout()).activation(design.activation())
        .embeddingNorm(design.embeddingNorm()).residual(design.residual())
        .alibiOrder(design.alibiOrder()).slopes(slopeScheme, alibiBiasMax).clipQkv(clipQkv)
        .softmaxScale(softmaxScale).logitScale(logitScale);
  }

  private static void requirePositive(String name, int value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TransformerConfig c
        && vocabSize == c.vocabSize && hiddenSize == c.hiddenSize && numHeads == c.numHeads
        && numLayers == c.numLayers && ffnHiddenSize == c.ffnHiddenSize
        && Double.compare(layerNormEps, c.layerNormEps) == 0 && design.equals(c.design)
        && slopeScheme == c.slopeScheme && Double.compare(alibiBiasMax, c.alibiBiasMax) == 0
        && Double.compare(clipQkv, c.clipQkv) == 0 && Double.compare(softmaxScale, c.softmaxScale) == 0
        && Double.compare(logitScale, c.logitScale) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(vocabSize, hiddenSize, numHeads, numLayers, ffnHiddenSize, layerNormEps, design,
        slopeScheme, alibiBiasMax, clipQkv, softmaxScale, logitScale);
  }

  @Override
  public String toString() {
    return "TransformerConfig[vocab=" + vocabSize + ", hidden=" + hiddenSize + ", heads=" + numHeads
        + ", layers=" + numLayers + ", ffn=" + ffnHiddenSize + ", eps=" + layerNormEps + ", " + design
        + ", slopes=" + slopeScheme + "/" + alibiBiasMax + ", clipQkv=" + clipQkv + ", softmaxScale="
        + softmaxScale + ", logitScale=" + logitScale + "]";
  }

  /** Named settings; see the accessors of {@link TransformerConfig} for each. */
  public static final class Builder {
    private int vocabSize;
    private int hiddenSize;
    private int numHeads;
    private int numLayers;
    private int ffnHiddenSize;
    private double layerNormEps = 1e-5;
    private QkvLayout qkvLayout;
    private Activation activation;
    private boolean embeddingNorm;
    private ResidualSource residual = ResidualSource.INPUT;
    private AlibiOrder alibiOrder = AlibiOrder.AFTER_SCALE;
    private SlopeScheme slopeScheme;
    private double alibiBiasMax = 8;
    private double clipQkv = Double.NaN;
    private double softmaxScale = Double.NaN;
    private double logitScale = 1;

    private Builder() {}

    public Builder vocabSize(int v) { vocabSize = v; return this; }

    public Builder hiddenSize(int v) { hiddenSize = v; return this; }

    public Builder numHeads(int v) { numHeads = v; return this; }

    public Builder numLayers(int v) { numLayers = v; return this; }

    public Builder ffnHiddenSize(int v) { ffnHiddenSize = v; return this; }

    public Builder layerNormEps(double v) { layerNormEps = v; return this; }

    public Builder qkvLayout(QkvLayout v) { qkvLayout = v; return this; }

    public Builder activation(Activation v) { activation = v; return this; }

    public Builder embeddingNorm(boolean v) { embeddingNorm = v; return this; }

    public Builder residual(ResidualSource v) { residual = v; return this; }

    public Builder alibiOrder(AlibiOrder v) { alibiOrder = v; return this; }

    /** Slope scheme, and MPT's {@code alibi_bias_max} (default 8; the BLOOM scheme ignores it). */
    public Builder slopes(SlopeScheme scheme, double biasMax) { slopeScheme = scheme; alibiBiasMax = biasMax; return this; }

    /** Clamp of the fused QKV output; NaN (default) for none. */
    public Builder clipQkv(double v) { clipQkv = v; return this; }

    /** Score scale; NaN (default) for 1/√head_dim. */
    public Builder softmaxScale(double v) { softmaxScale = v; return this; }

    public Builder logitScale(double v) { logitScale = v; return this; }

    /**
     * @throws IllegalArgumentException naming the setting that is missing or out of range
     */
    public TransformerConfig build() {
      return new TransformerConfig(this);
    }
  }
}
