package dev.alibi4j.engine.generation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What to generate and how to pick tokens. Build with {@link #builder()}; every field is
 * validated here, with a message naming the option.
 *
 * @param maxNewTokens tokens to generate at most (≥ 1)
 * @param temperature 0 for greedy decoding, otherwise logits are divided by it before sampling
 * @param topK keep only the k most likely tokens (0 = off)
 * @param topP keep the smallest set of tokens whose probability reaches p (1 = off)
 * @param repetitionPenalty Hugging Face's CTRL-style penalty on seen tokens (1 = off)
 * @param seed random seed for sampling; null draws one (the result reports it)
 * @param stopStrings generation ends when the text contains one; it is cut before it
 * @param eosTokenIds generation ends at any of these tokens, which are not part of the output
 * @param logprobs {@link #NO_LOGPROBS} for none; otherwise each generated token's {@link
 *     TokenLogprob} with this many most likely alternatives (0 = the chosen token's only)
 */
public record GenerationParams(
    int maxNewTokens,
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    Long seed,
    List<String> stopStrings,
    Set<Integer> eosTokenIds,
    int logprobs) {

  /** {@link #logprobs()} when no log-probabilities are wanted. */
  public static final int NO_LOGPROBS = -1;

  /** Alternatives per token at most: each costs a pass over the vocabulary's top list. */
  public static final int MAX_TOP_LOGPROBS = 100;

  public GenerationParams {
    if (maxNewTokens < 1) {
      throw new IllegalArgumentException("maxNewTokens must be >= 1, got " + maxNewTokens);
    }
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
    }
    if (topK < 0) {
      throw new IllegalArgumentException("topK must be >= 0 (0 = off), got " + topK);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("topP must be in (0, 1], got " + topP);
    }
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw new IllegalArgumentException("repetitionPenalty must be a finite number > 0, got " + repetitionPenalty);
    }
    stopStrings = List.copyOf(stopStrings);
    for (String s : stopStrings) {
      if (s.isEmpty()) {
        throw new IllegalArgumentException("stop strings must not be empty");
      }
    }
    eosTokenIds = Set.copyOf(eosTokenIds);
    for (int id : eosTokenIds) {
      if (id < 0) {
        throw new IllegalArgumentException("eosTokenIds must be >= 0, got " + id);
      }
    }
    if (logprobs < NO_LOGPROBS || logprobs > MAX_TOP_LOGPROBS) {
      throw new IllegalArgumentException("logprobs must be -1 (none) or 0.." + MAX_TOP_LOGPROBS
          + " alternatives, got " + logprobs);
    }
  }

  /** Whether each token's log-probability is wanted. */
  public boolean wantsLogprobs() {
    return logprobs != NO_LOGPROBS;
  }

  /** Defaults: 128 new tokens, greedy, no penalties, no stop strings, no EOS. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these parameters, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder().maxNewTokens(maxNewTokens).temperature(temperature).topK(topK).topP(topP)
        .repetitionPenalty(repetitionPenalty).logprobs(logprobs);
    b.seed = seed;
    b.stopStrings.addAll(stopStrings);
    b.eosTokenIds.addAll(eosTokenIds);
    return b;
  }

  /** Whether tokens are chosen by argmax. */
  public boolean greedy() {
    return temperature == 0;
  }

  /** These parameters with other end-of-sequence tokens. */
  public GenerationParams withEosTokenIds(Set<Integer> ids) {
    return new GenerationParams(
        maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings, ids, logprobs);
  }

  /** Builder with {@code set}-style fluent methods; {@link #build()} validates. */
  public static final class Builder {
    private int maxNewTokens = 128;
    private double temperature = 0;
    private int topK = 0;
    private double topP = 1;
    private double repetitionPenalty = 1;
    private Long seed;
    private final List<String> stopStrings = new ArrayList<>();
    private final Set<Integer> eosTokenIds = new LinkedHashSet<>();
    private int logprobs = NO_LOGPROBS;

    private Builder() {}

    public Builder maxNewTokens(int n) {
      this.maxNewTokens = n;
      return this;
    }

    public Builder temperature(double t) {
      this.temperature = t;
      return this;
    }

    public Builder topK(int k) {
      this.topK = k;
      return this;
    }

    public Builder topP(double p) {
      this.topP = p;
      return this;
    }

    public Builder repetitionPenalty(double r) {
      this.repetitionPenalty = r;
      return this;
    }

    public Builder seed(long s) {
      this.seed = s;
      return this;
    }

    /** Adds a stop string. */
    public Builder stopString(String s) {
      if (s == null) {
        throw new IllegalArgumentException("stop string must not be null");
      }
      stopStrings.add(s);
      return this;
    }

    /** Adds an end-of-sequence token id. */
    public Builder eosTokenId(int id) {
      eosTokenIds.add(id);
      return this;
    }

    /**
     * Asks for each token's log-probability and its {@code top} most likely alternatives (0 for
     * the chosen token's only); {@link #NO_LOGPROBS} for none, the default.
     */
    public Builder logprobs(int top) {
      this.logprobs = top;
      return this;
    }

    public GenerationParams build() {
      return new GenerationParams(
          maxNewTokens, temperature, topK, topP, repetitionPenalty, seed, stopStrings, eosTokenIds, logprobs);
    }
  }
}
