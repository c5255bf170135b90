package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.generation.Sampler;
import java.util.SplittableRandom;

/**
 * Times prefill and greedy decoding the way an application drives the model: a session per run,
 * the prompt in one call, then one token per call, each chosen by argmax over the logits. Every
 * run uses the same random prompt.
 *
 * @param prefillSeconds the prompt's prefill and the first token's choice
 * @param decodeSeconds all {@code genTokens} decode steps
 */
record SpeedRun(double prefillSeconds, double decodeSeconds) {

  /** Longest untimed chunk appended to bring the cache up to the decode context. */
  static final int FILL_CHUNK = 512;

  /** The inputs of every run of one benchmark. */
  record Inputs(int[] prompt, int[] filler, int genTokens) {

    /**
     * @param promptTokens prompt length (random ids)
     * @param context cache length at which decoding starts ({@code >= promptTokens}): the gap
     *     is filled untimed after the prompt
     */
    static Inputs random(int vocab, int promptTokens, int genTokens, int context, long seed) {
      SplittableRandom random = new SplittableRandom(seed);
      return new Inputs(
          random.ints(promptTokens, 0, vocab).toArray(),
          random.ints(context - promptTokens, 0, vocab).toArray(),
          genTokens);
    }
  }

  /** One run in a fresh session. */
  static SpeedRun once(CausalLanguageModel model, Inputs in) {
    Sampler argmax = Sampler.greedy();
    try (InferenceSession session = model.newSession()) {
      long start = System.nanoTime();
      float[] logits = session.append(in.prompt());
      int next = argmax.sample(logits);
      double prefill = (System.nanoTime() - start) / 1e9;
      fill(session, in.filler());
      start = System.nanoTime();
      for (int i = 0; i < in.genTokens(); i++) {
        logits = session.append(new int[] {next}, logits);
        next = argmax.sample(logits);
      }
      return new SpeedRun(prefill, (System.nanoTime() - start) / 1e9);
    }
  }

  private static void fill(InferenceSession session, int[] filler) {
    for (int start = 0; start < filler.length; start += FILL_CHUNK) {
      int end = Math.min(filler.length, start + FILL_CHUNK);
      session.append(java.util.Arrays.copyOfRange(filler, start, end));
    }
  }
}
