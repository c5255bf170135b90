package dev.alibi4j.engine.generation;

import java.util.ArrayList;
import java.util.List;

/**
 * The logits processors and the sampler that {@link GenerationParams} ask for, in Hugging Face
 * {@code generate}'s order: repetition penalty, then (when sampling) temperature, top-k, top-p.
 */
public final class TokenPicker {

  private final List<LogitsProcessor> processors;
  private final Sampler sampler;

  public TokenPicker(List<LogitsProcessor> processors, Sampler sampler) {
    this.processors = List.copyOf(processors);
    this.sampler = sampler;
  }

  /** The pipeline for {@code params}, sampling with {@code seed}. */
  public static TokenPicker of(GenerationParams params, long seed) {
    List<LogitsProcessor> p = new ArrayList<>();
    if (params.repetitionPenalty() != 1) {
      p.add(new RepetitionPenalty(params.repetitionPenalty()));
    }
    if (params.greedy()) {
      return new TokenPicker(p, Sampler.greedy());
    }
    if (params.temperature() != 1) {
      p.add(new Temperature(params.temperature()));
    }
    if (params.topK() > 0) {
      p.add(new TopK(params.topK()));
    }
    if (params.topP() < 1) {
      p.add(new TopP(params.topP()));
    }
    return new TokenPicker(p, new RandomSampler(seed));
  }

  /** Processes a copy of {@code logits} and picks a token. */
  public int pick(float[] logits, TokenHistory history) {
    float[] work = logits.clone();
    for (LogitsProcessor processor : processors) {
      processor.process(work, history);
    }
    return sampler.sample(work);
  }
}
