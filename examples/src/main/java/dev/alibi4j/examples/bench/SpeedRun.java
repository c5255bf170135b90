package dev.alibi4j.examples.bench;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.generation.Sampler;
import java.util.SplittableRandom;

/**
 * Times prefill and greedy decoding the way an application drives the model: a session per run,
 * the prompt in one call, then one token per call, each chosen by argmax over the logits.
 *
 * <p>The first run follows the load directly and gives the time to first token (it also touches
 * every mapped weight page for the first time); it serves as the warm-up. The next {@code
 * repeat} runs give the medians.
 *
 * @param firstTokenSeconds prefill plus choosing the first token, in the first run after loading
 * @param prefillSeconds per measured run
 * @param decodeSeconds per measured run, for all {@code genTokens} steps
 */
record SpeedRun(double firstTokenSeconds, double[] prefillSeconds, double[] decodeSeconds) {

  /** Longest untimed chunk appended to bring the cache up to the decode context. */
  static final int FILL_CHUNK = 512;

  /**
   * @param promptTokens prompt length (random ids)
   * @param genTokens decode steps timed per run
   * @param context cache length at which decoding starts ({@code >= promptTokens}): the gap is
   *     filled untimed after the prompt
   */
  static SpeedRun measure(
      CausalLanguageModel model, int promptTokens, int genTokens, int context, int repeat, long seed) {
    Sampler argmax = Sampler.greedy();
    SplittableRandom random = new SplittableRandom(seed);
    int[] prompt = random.ints(promptTokens, 0, model.vocabSize()).toArray();
    int[] filler = random.ints(context - promptTokens, 0, model.vocabSize()).toArray();
    double firstToken = 0;
    double[] prefill = new double[repeat];
    double[] decode = new double[repeat];
    for (int run = -1; run < repeat; run++) {
      try (InferenceSession session = model.newSession()) {
        long start = System.nanoTime();
        int next = argmax.sample(session.append(prompt));
        double prefillTime = (System.nanoTime() - start) / 1e9;
        fill(session, filler);
        start = System.nanoTime();
        for (int i = 0; i < genTokens; i++) {
          next = argmax.sample(session.append(new int[] {next}));
        }
        double decodeTime = (System.nanoTime() - start) / 1e9;
        if (run < 0) {
          firstToken = prefillTime;
        } else {
          prefill[run] = prefillTime;
          decode[run] = decodeTime;
        }
      }
    }
    return new SpeedRun(firstToken, prefill, decode);
  }

  private static void fill(InferenceSession session, int[] filler) {
    for (int start = 0; start < filler.length; start += FILL_CHUNK) {
      int end = Math.min(filler.length, start + FILL_CHUNK);
      session.append(java.util.Arrays.copyOfRange(filler, start, end));
    }
  }
}
