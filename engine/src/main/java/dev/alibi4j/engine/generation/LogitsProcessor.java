package dev.alibi4j.engine.generation;

/** Rewrites next-token logits in place before a token is picked; removed tokens get -∞. */
@FunctionalInterface
public interface LogitsProcessor {

  /**
   * @param logits {@code [vocab]}, modified in place
   * @param history prompt and generated ids so far
   */
  void process(float[] logits, TokenHistory history);
}
