package dev.alibi4j.engine.generation;

import dev.alibi4j.engine.ContextLimit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One generation between forward passes: turns each pass's logits into the next token, tracks
 * the stop conditions, the text and the timings, and builds the result. The single-sequence
 * {@link Generator} and the {@link BatchScheduler} drive the same class, so a request's tokens
 * are chosen the same way however it is run.
 */
public final class GenerationRun {

  private final int[] promptIds;
  private final GenerationParams params;
  private final TextDecoder decoder;
  private final TokenListener listener;
  private final long seed;
  private final TokenPicker picker;
  private final TokenHistory history = new TokenHistory();
  private final StopStrings stops;
  private final StringBuilder text = new StringBuilder();
  private final List<TokenLogprob> logprobs = new ArrayList<>();
  private int[] ids;
  private int count;
  private long prefillNanos;
  private long decodeNanos;
  private int decodeSteps;
  private FinishReason reason; // null while running

  /**
   * @param promptIds at least one id, each in {@code [0, vocab)}; with {@code maxNewTokens} at
   *     most {@code maxContext} tokens
   * @param decoder incremental detokenizer, or null to generate ids only (text is then null)
   * @param listener called per token, or null
   * @throws IllegalArgumentException for a bad prompt or one too long, before any work
   */
  public GenerationRun(int[] promptIds, GenerationParams params, TextDecoder decoder, TokenListener listener,
      int vocab, int maxContext) {
    checkPrompt(promptIds, vocab);
    ContextLimit.check(
        "a prompt of " + promptIds.length + " tokens + " + params.maxNewTokens() + " new tokens",
        (long) promptIds.length + params.maxNewTokens(), maxContext);
    if (decoder == null && !params.stopStrings().isEmpty()) {
      throw new IllegalArgumentException(
          "stop strings need text, but there is no decoder (no tokenizer): " + params.stopStrings());
    }
    this.promptIds = promptIds.clone();
    this.params = params;
    this.decoder = decoder;
    this.listener = listener;
    this.seed = params.seed() != null ? params.seed() : ThreadLocalRandom.current().nextLong();
    this.picker = TokenPicker.of(params, seed);
    this.history.addAll(promptIds);
    this.stops = new StopStrings(params.stopStrings());
    this.ids = new int[Math.min(params.maxNewTokens(), 1024)];
  }

  /** The prompt (a copy taken at construction). */
  public int[] prompt() {
    return promptIds;
  }

  /** Positions this run may fill at most: prompt plus {@code maxNewTokens}. */
  public long maxLength() {
    return (long) promptIds.length + params.maxNewTokens();
  }

  /** Tokens generated so far. */
  public int generated() {
    return count;
  }

  /** Whether it has ended (see {@link #finishReason()}). */
  public boolean finished() {
    return reason != null;
  }

  /** Why it ended; null while running. */
  public FinishReason finishReason() {
    return reason;
  }

  /** Adds the time of the pass over the prompt. */
  public void addPrefillNanos(long nanos) {
    prefillNanos += nanos;
  }

  /** Adds the time of one decode pass. */
  public void addDecodeNanos(long nanos) {
    decodeNanos += nanos;
    decodeSteps++;
  }

  /**
   * Takes the logits that follow the last token fed to the model and picks the next token: the
   * token to feed next, or -1 when the generation has ended (EOS, length, stop string).
   *
   * @param logits {@code [vocab]}
   * @throws IllegalStateException when the logits hold NaN
   */
  public int accept(float[] logits) {
    if (reason != null) {
      throw new IllegalStateException("the generation has ended: " + reason);
    }
    NanLogits.check(logits, count);
    int id = picker.pick(logits, history);
    if (params.eosTokenIds().contains(id)) {
      reason = FinishReason.EOS;
      return -1;
    }
    if (count == ids.length) {
      ids = Arrays.copyOf(ids, Math.min(params.maxNewTokens(), 2 * count));
    }
    ids[count++] = id;
    history.add(id);
    // From the raw logits: the picker worked on a copy.
    TokenLogprob logprob = params.wantsLogprobs() ? LogSoftmax.of(logits, id, params.logprobs()) : null;
    if (logprob != null) {
      logprobs.add(logprob);
    }
    String piece = decoder == null ? "" : stops.accept(decoder.next(id));
    text.append(piece);
    if (listener != null) {
      listener.onToken(id, piece, logprob);
    }
    if (stops.stopped()) {
      reason = FinishReason.STOP_STRING;
      return -1;
    }
    if (count == params.maxNewTokens()) {
      reason = FinishReason.LENGTH;
      return -1;
    }
    return id;
  }

  /** Ends a run that is still going with {@link FinishReason#CANCELLED}. */
  public void cancel() {
    if (reason == null) {
      reason = FinishReason.CANCELLED;
    }
  }

  /**
   * The result; ends the run as {@link #cancel()} if it is still going. Flushes the decoder's
   * held-back text to the listener once.
   */
  public GenerationResult result() {
    cancel();
    if (decoder != null && reason != FinishReason.STOP_STRING) {
      String tail = stops.accept(decoder.flush());
      if (!stops.stopped()) {
        tail += stops.finish();
      } else {
        reason = FinishReason.STOP_STRING;
      }
      text.append(tail);
      if (listener != null && !tail.isEmpty()) {
        listener.onToken(TokenListener.NO_TOKEN, tail, null);
      }
    }
    return new GenerationResult(
        Arrays.copyOf(ids, count), decoder == null ? null : text.toString(), reason,
        promptIds.length, count, seed, prefillNanos, decodeSteps, decodeNanos, logprobs);
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
