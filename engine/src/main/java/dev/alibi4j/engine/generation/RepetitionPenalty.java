package dev.alibi4j.engine.generation;

import java.util.BitSet;

/**
 * Hugging Face's {@code RepetitionPenaltyLogitsProcessor} (CTRL, Keskar et al. 2019): every token
 * already in the sequence has its logit divided by the penalty when positive, multiplied when
 * negative, so it becomes less likely either way for a penalty above 1.
 */
public record RepetitionPenalty(double penalty) implements LogitsProcessor {

  @Override
  public void process(float[] logits, TokenHistory history) {
    BitSet seen = history.distinct();
    for (int id = seen.nextSetBit(0); id >= 0 && id < logits.length; id = seen.nextSetBit(id + 1)) {
      float s = logits[id];
      logits[id] = (float) (s < 0 ? s * penalty : s / penalty);
    }
  }
}
