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
    checkPrompt(promptIds, model.vocabSize());
    ContextLimit.check(
        "a prompt of " + promptIds.length + " tokens + " + params.maxNewTokens() + " new tokens",
        (long) promptIds.length + params.maxNewTokens(), model.maxContext());
    if (decoder == null && !params.stopStrings().isEmpty()) {
      throw new IllegalArgumentException(
          "stop strings need text, but there is no decoder (no tokenizer): " + params.stopStrings());
    }
    long seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
    TokenPicker picker = TokenPicker.of(params, seed);
    TokenHistory history = new TokenHistory();
    history.addAll(promptIds);
    StopStrings stops = new StopStrings(params.stopStrings());
    StringBuilder text = new StringBuilder();
    int[] ids = new int[Math.min(params.maxNewTokens(), 1024)];
    int count = 0;
    long prefillNanos = 0;
    long decodeNanos = 0;
    int decodeSteps = 0;
    FinishReason reason = FinishReason.CANCELLED;
    try (InferenceSession session = model.newSession()) {
      int[] input = promptIds;
      float[] logits = null;
      while (!cancelled(cancellation)) {
        long stepStart = System.nanoTime();
        logits = session.append(input, logits); // the same array every decode step
        if (input == promptIds) {
          prefillNanos = System.nanoTime() - stepStart;
        } else {
          decodeNanos += System.nanoTime() - stepStart;
          decodeSteps++;
        }
        NanLogits.check(logits, count);
        int id = picker.pick(logits, history);
        if (params.eosTokenIds().contains(id)) {
          reason = FinishReason.EOS;
          break;
        }
        if (count == ids.length) {
          ids = Arrays.copyOf(ids, Math.min(params.maxNewTokens(), 2 * count));
        }
        ids[count++] = id;
        history.add(id);
        String piece = decoder == null ? "" : stops.accept(decoder.next(id));
        text.append(piece);
        if (listener != null) {
          listener.onToken(id, piece);
        }
        if (stops.stopped()) {
          reason = FinishReason.STOP_STRING;
          break;
        }
        if (count == params.maxNewTokens()) {
          reason = FinishReason.LENGTH;
          break;
        }
        input = new int[] {id};
      }
    }
    if (decoder != null && reason != FinishReason.STOP_STRING) {
      String tail = stops.accept(decoder.flush());
      if (!stops.stopped()) {
        tail += stops.finish();
      } else {
        reason = FinishReason.STOP_STRING;
      }
      text.append(tail);
      if (listener != null && !tail.isEmpty()) {
        listener.onToken(TokenListener.NO_TOKEN, tail);
      }
    }
    return new GenerationResult(
        Arrays.copyOf(ids, count), decoder == null ? null : text.toString(), reason,
        promptIds.length, count, seed, prefillNanos, decodeSteps, decodeNanos);
  }

  // isInterrupted, not interrupted(): the flag stays set for the caller to see.
  private static boolean cancelled(Cancellation cancellation) {
    return Thread.currentThread().isInterrupted() || (cancellation != null && cancellation.isCancelled());
  }

  private static void checkPrompt(int[] promptIds, int vocab) {
    if (promptIds == null || promptIds.length == 0) {
      throw new IllegalArgumentException("the prompt is empty: at least one token id is needed");
    }
    for (int i = 0; i < promptIds.length; i++) {
      if (promptIds[i] < 0 || promptIds[i] >= vocab) {
        throw new IllegalArgumentException(
            "prompt token id " + promptIds[i] + " at index " + i + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
  }
}
