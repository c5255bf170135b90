package dev.alibi4j.engine.generation;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.InferenceSession;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generation loop: prefill the prompt in one forward pass, then pick, emit and feed back one
 * token at a time until EOS, the token limit, a stop string or cancellation.
 *
 * <p>Before every forward pass (the prefill included) the loop checks whether the calling thread
 * is interrupted or the {@link Cancellation} is cancelled; either ends it with {@link
 * FinishReason#CANCELLED} and the tokens chosen so far, the thread's interrupt flag left set. A
 * forward pass that has started (a long prompt's prefill) runs to its end first. Logits holding
 * NaN end it with {@link IllegalStateException}.
 */
public final class Generator {

  /**
   * As {@link #generate(CausalLanguageModel, int[], GenerationParams, TextDecoder, TokenListener,
   * Cancellation)} without a cancel handle: only an interrupt cancels.
   */
  public GenerationResult generate(
      CausalLanguageModel model, int[] promptIds, GenerationParams params, TextDecoder decoder,
      TokenListener listener) {
    return generate(model, promptIds, params, decoder, listener, null);
  }

  /**
   * @param model the model to drive; a session is opened and closed here
   * @param promptIds at least one id, each in {@code [0, vocab)}; with {@code maxNewTokens} at
   *     most {@link CausalLanguageModel#maxContext()} tokens
   * @param decoder incremental detokenizer, or null to generate ids only (text is then null)
   * @param listener called per token, or null
   * @param cancellation ends the generation before its next step once cancelled; null for none
   * @throws IllegalArgumentException for a bad prompt or one too long for the model, before any work
   * @throws IllegalStateException when the model returns NaN logits
   */
  public GenerationResult generate(
      CausalLanguageModel model, int[] promptIds, GenerationParams params, TextDecoder decoder,
      TokenListener listener, Cancellation cancellation) {
    GenerationRun run = new GenerationRun(promptIds, params, decoder, listener, model.vocabSize(), model.maxContext());
    try (InferenceSession session = model.newSession()) {
      int[] input = run.prompt();
      float[] logits = null;
      boolean first = true;
      while (!cancelled(cancellation)) {
        long stepStart = System.nanoTime();
        logits = session.append(input, logits); // the same array every decode step
        if (first) {
          run.addPrefillNanos(System.nanoTime() - stepStart);
          first = false;
        } else {
          run.addDecodeNanos(System.nanoTime() - stepStart);
        }
        int next = run.accept(logits);
        if (next < 0) {
          break;
        }
        input = new int[] {next};
      }
    }
    return run.result();
  }

  // isInterrupted, not interrupted(): the flag stays set for the caller to see.
  private static boolean cancelled(Cancellation cancellation) {
    return Thread.currentThread().isInterrupted() || (cancellation != null && cancellation.isCancelled());
  }
}
