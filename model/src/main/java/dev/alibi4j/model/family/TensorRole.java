package dev.alibi4j.model.family;

import dev.alibi4j.engine.TransformerConfig;

/**
 * What a checkpoint tensor is for, and so its shape: every family's blocks are built from the same
 * pieces, and only the names differ. Shapes follow PyTorch's {@code nn.Linear} ({@code [out, in]}).
 */
public enum TensorRole {
  EMBEDDING(Kind.MATRIX, false),
  EMBEDDING_NORM_WEIGHT(Kind.NORM_GAIN, false),
  EMBEDDING_NORM_BIAS(Kind.BIAS, false),
  NORM1_WEIGHT(Kind.NORM_GAIN, true),
  NORM1_BIAS(Kind.BIAS, true),
  QKV_WEIGHT(Kind.MATRIX, true),
  QKV_BIAS(Kind.BIAS, true),
  OUT_WEIGHT(Kind.MATRIX, true),
  OUT_BIAS(Kind.BIAS, true),
  NORM2_WEIGHT(Kind.NORM_GAIN, true),
  NORM2_BIAS(Kind.BIAS, true),
  UP_WEIGHT(Kind.MATRIX, true),
  UP_BIAS(Kind.BIAS, true),
  DOWN_WEIGHT(Kind.MATRIX, true),
  DOWN_BIAS(Kind.BIAS, true),
  FINAL_NORM_WEIGHT(Kind.NORM_GAIN, false),
  FINAL_NORM_BIAS(Kind.BIAS, false),
  LM_HEAD(Kind.MATRIX, false);

  /** The three sorts of tensors: their storage and their neutral initial values differ. */
  public enum Kind {
    /** A weight matrix, held in the model's storage type. */
    MATRIX,
    /** A layer norm's gain (initially ones). */
    NORM_GAIN,
    /** A bias, of a norm or a projection (initially zeros). */
    BIAS
  }

  private final Kind kind;
  private final boolean perLayer;

  TensorRole(Kind kind, boolean perLayer) {
    this.kind = kind;
    this.perLayer = perLayer;
  }

  /** Matrix, norm gain or bias. */
  public Kind kind() {
    return kind;
  }

  /** Whether every block has one (the name then holds the block's index). */
  public boolean perLayer() {
    return perLayer;
  }

  /** The shape {@code c} implies. */
  public long[] shape(TransformerConfig c) {
    long h = c.hiddenSize();
    long f = c.ffnHiddenSize();
    long v = c.vocabSize();
    return switch (this) {
      case EMBEDDING, LM_HEAD -> new long[] {v, h};
      case QKV_WEIGHT -> new long[] {3 * h, h};
      case QKV_BIAS -> new long[] {3 * h};
      case OUT_WEIGHT -> new long[] {h, h};
      case UP_WEIGHT -> new long[] {f, h};
      case UP_BIAS -> new long[] {f};
      case DOWN_WEIGHT -> new long[] {h, f};
      default -> new long[] {h}; // norms, the output and down biases
    };
  }
}
