package dev.alibi4j.engine.generation;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The generation loop: prefill the prompt in one forward pass, then pick, emit and feed back one
 * token at a time until EOS, the token limit or a stop string.
 */
public final class Generator {

  /**
   * @param model the model to drive; a session is opened and closed here
   * @param promptIds at least one id, each in {@code [0, vocab)}
   * @param decoder incremental detokenizer, or null to generate ids only (text is then null)
   * @param listener called per token, or null
   */
  public GenerationResult generate(
      CausalLanguageModel model, int[] promptIds, GenerationParams params, TextDecoder decoder,
      TokenListener listener) {
    checkPrompt(promptIds, model.vocabSize());
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
    long prefillNanos;
    long decodeNanos = 0;
    int decodeSteps = 0;
    FinishReason reason;
    try (InferenceSession session = model.newSession()) {
      long start = System.nanoTime();
      float[] logits = session.append(promptIds);
      prefillNanos = System.nanoTime() - start;
      while (true) {
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
        long stepStart = System.nanoTime();
        logits = session.append(new int[] {id}, logits); // the same array every step
        decodeNanos += System.nanoTime() - stepStart;
        decodeSteps++;
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
