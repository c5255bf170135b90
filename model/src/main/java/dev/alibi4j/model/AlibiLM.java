package dev.alibi4j.model;

import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.CloseGuard;
import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.InferenceSession;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.engine.generation.BatchScheduler;
import dev.alibi4j.engine.generation.Cancellation;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.engine.generation.TextDecoder;
import dev.alibi4j.engine.generation.TokenListener;
import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.chat.ChatTemplate;
import dev.alibi4j.engine.torch.TorchEnvironment;
import dev.alibi4j.tokenizer.StreamingDetokenizer;
import dev.alibi4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The public entry point: a checkpoint's model and tokenizer, ready to generate.
 *
 * <pre>{@code
 * try (AlibiLM lm = AlibiLM.load(Path.of("bloom-560m"))) {
 *   GenerationParams params = GenerationParams.builder().maxNewTokens(40).temperature(0.7).seed(1).build();
 *   GenerationResult r = lm.generate("The capital of France is", params, (id, text) -> System.out.print(text));
 * }
 * }</pre>
 *
 * <p>A checkpoint without {@code tokenizer.json} still works with token ids; the text methods
 * then throw {@link IllegalStateException}.
 *
 * <p><b>Threads.</b> One instance may be shared by many threads: {@code generate}, {@code logits},
 * {@code encode}, {@code decode} and {@code newSession} may run concurrently, each call with its
 * own KV cache. A session from {@link #newSession()} must be used by one thread at a time.
 *
 * <p><b>Closing.</b> {@link #close()} first cancels the generations in flight (each ends before
 * its next step with {@link dev.alibi4j.engine.generation.FinishReason#CANCELLED} and the tokens
 * so far), then waits for every call in flight (a forward pass that has started runs to its end),
 * then frees the weights and the tokenizer. A call that starts after {@code close()}, including on
 * a session created before, throws {@link IllegalStateException} ("model is closed"); no call ever
 * reads freed memory.
 *
 * <p><b>Cancelling.</b> Interrupting the generating thread ends its generation with {@code
 * CANCELLED} (the interrupt flag stays set); a caller that does not own the thread passes a
 * {@link Cancellation} and cancels it. A pending interrupt does not stop {@code load}.
 *
 * <p><b>Limits.</b> Every sequence is limited to {@link #maxContext()} tokens, checked before any
 * work; see {@link ContextLimit} for the default and {@link #setMaxContext(int)} to change it.
 *
 * <p><b>JVM-wide setting.</b> Loading this class sets the system property {@code
 * ai.djl.offline=true} unless it is already set, which stops every DJL user in the JVM from
 * downloading (DJL's model zoo included). alibi4j's native libraries come from the classpath and
 * need no network either way; the property stops DJL's usage tracking (requests to the EC2
 * metadata address) and, on CUDA machines, a download of a CUDA build of DJL's tokenizer library.
 * DJL reads it only JVM-wide, so it cannot be scoped to alibi4j; set {@code
 * -Dai.djl.offline=false} to keep DJL online (and {@code OPT_OUT_TRACKING=true} to skip the
 * tracking).
 */
public final class AlibiLM implements AutoCloseable {

  static {
    TorchEnvironment.prepare(); // before libtorch loads
    // No network at run time: online, DJL's usage tracking contacts the EC2 metadata address and,
    // with CUDA present, its tokenizer library downloads a CUDA build. DJL has no per-call switch;
    // a caller who sets the property explicitly keeps their choice (see the class comment).
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private final Checkpoint checkpoint;
  private final AlibiTransformer model;
  private final Tokenizer tokenizer; // null when the checkpoint has no tokenizer.json
  private final CloseGuard guard = new CloseGuard("model", this::release);
  private final Cancellation closing = new Cancellation(); // cancels every generation on close()
  private final BatchScheduler scheduler; // runs every generate call, batched
  private volatile ChatTemplate chatTemplate; // read on first use

  private AlibiLM(Checkpoint checkpoint, AlibiTransformer model, Tokenizer tokenizer, BatchScheduler.Limits batching) {
    this.checkpoint = checkpoint;
    this.model = model;
    this.tokenizer = tokenizer;
    this.scheduler = new BatchScheduler(model, batching, guard);
  }

  /**
   * Loads {@code model}, as stored: a checkpoint directory, a Hugging Face cache folder, or a hub
   * repository id such as {@code bigscience/bloom-560m} found in the local Hugging Face cache
   * ({@link HubCache}; nothing is downloaded).
   */
  public static AlibiLM load(String model) {
    return load(model, null);
  }

  /** Loads {@code model} (see {@link #load(String)}) with its matrices held as {@code type}. */
  public static AlibiLM load(String model, WeightType type) {
    return load(model, type, LoadOptions.DEFAULT);
  }

  /** Loads {@code model} (see {@link #load(String)}) as {@code type}, with {@code options}. */
  public static AlibiLM load(String model, WeightType type, LoadOptions options) {
    return InterruptsDeferred.load(model, () -> load(HubCache.resolve(model), type, options));
  }

  /** Loads a checkpoint directory with its weights as stored (mapped, no copy). */
  public static AlibiLM load(Path dir) {
    return load(dir, null);
  }

  /**
   * Loads a checkpoint directory: {@code config.json}, safetensors weights and, when present,
   * {@code tokenizer.json}.
   *
   * <p>A pending interrupt of the calling thread does not stop the load; it is set again after.
   *
   * @param type how the weight matrices are held: {@link WeightType#F32} (exact, 4 bytes a
   *     weight), {@link WeightType#F16} or {@link WeightType#BF16} (2 bytes), {@link
   *     WeightType#Q8_0} (8-bit, ~1.06 bytes, the fastest decoding); null keeps the checkpoint's
   *     own type. Activations are float32 in every case.
   * @throws CheckpointException naming the file and the tensor or field at fault
   * @throws UncheckedIOException when {@code tokenizer.json} cannot be loaded
   */
  public static AlibiLM load(Path dir, WeightType type) {
    return load(dir, type, LoadOptions.DEFAULT);
  }

  /**
   * Loads a checkpoint directory as {@link #load(Path, WeightType)} does, with {@code options}:
   * {@code LoadOptions.DEFAULT.withMmap(false)} reads the weights into memory, so that the model
   * survives its files being replaced or truncated (see {@link LoadOptions#mmap()}).
   *
   * @throws CheckpointException naming the file and the tensor or field at fault
   * @throws UncheckedIOException when {@code tokenizer.json} cannot be loaded
   */
  public static AlibiLM load(Path dir, WeightType type, LoadOptions options) {
    return InterruptsDeferred.load(dir, () -> open(dir, type, options));
  }

  private static AlibiLM open(Path dir, WeightType type, LoadOptions options) {
    Checkpoint checkpoint = Checkpoint.load(dir, type, options);
    AlibiTransformer model;
    try {
      model = new AlibiTransformer(checkpoint.config(), checkpoint.weights());
    } catch (RuntimeException e) {
      checkpoint.close();
      throw e;
    }
    try {
      Tokenizer tokenizer = checkpoint.tokenizerJson().isPresent()
          ? Tokenizer.load(checkpoint.tokenizerJson().get())
          : null;
      return new AlibiLM(checkpoint, model, tokenizer, options.batching());
    } catch (IOException e) {
      model.close();
      throw new UncheckedIOException(e.getMessage(), e);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The loaded checkpoint: family, special tokens, files. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The architecture. */
  public TransformerConfig config() {
    return checkpoint.config();
  }

  /**
   * The checkpoint's chat template ({@code chat_template} in {@code tokenizer_config.json}), or
   * {@link ChatTemplate#plain()} when it has none; read on first use.
   *
   * @throws CheckpointException when {@code tokenizer_config.json} is unreadable or malformed
   */
  public ChatTemplate chatTemplate() {
    ChatTemplate t = chatTemplate;
    if (t == null) {
      t = ChatTemplate.load(checkpoint.directory());
      chatTemplate = t;
    }
    return t;
  }

  /** The tokenizer, when the checkpoint has one; {@link #close()} closes it with the model. */
  public Optional<Tokenizer> tokenizer() {
    return Optional.ofNullable(tokenizer);
  }

  /** Token ids of {@code text}, as Hugging Face's {@code tokenizer(text)} gives them. */
  public int[] encode(String text) {
    guard.enter();
    try {
      return requireTokenizer().encode(text);
    } finally {
      guard.exit();
    }
  }

  /** Text of {@code ids}, as Hugging Face's {@code tokenizer.decode(ids)}. */
  public String decode(int[] ids) {
    guard.enter();
    try {
      return requireTokenizer().decode(ids);
    } finally {
      guard.exit();
    }
  }

  /**
   * Generates a continuation of {@code prompt}, streaming each token's text to {@code onToken}.
   * Stops at the checkpoint's end-of-sequence tokens unless {@code params} names its own.
   */
  public GenerationResult generate(String prompt, GenerationParams params, TokenListener onToken) {
    return generate(prompt, params, onToken, null);
  }

  /**
   * As {@link #generate(String, GenerationParams, TokenListener)}, ending with {@code CANCELLED}
   * before the next step once {@code cancellation} is cancelled (null: only by an interrupt or
   * {@link #close()}).
   */
  public GenerationResult generate(
      String prompt, GenerationParams params, TokenListener onToken, Cancellation cancellation) {
    return generate(encode(prompt), params, onToken, cancellation);
  }

  /**
   * Generates a continuation of {@code promptIds}. Text in the result and the callback is
   * decoded when the checkpoint has a tokenizer, and null/empty otherwise.
   */
  public GenerationResult generate(int[] promptIds, GenerationParams params, TokenListener onToken) {
    return generate(promptIds, params, onToken, null);
  }

  /**
   * As {@link #generate(int[], GenerationParams, TokenListener)}, ending with {@code CANCELLED}
   * before the next step once {@code cancellation} is cancelled (null: only by an interrupt or
   * {@link #close()}).
   *
   * @throws IllegalArgumentException when the prompt plus {@code maxNewTokens} exceeds {@link
   *     #maxContext()}, before any work
   * @throws IllegalStateException when the model is closed, or returns NaN logits
   */
  public GenerationResult generate(
      int[] promptIds, GenerationParams params, TokenListener onToken, Cancellation cancellation) {
    guard.enter();
    try {
      return scheduler.generate(promptIds, withModelEos(checkStops(params)), newDecoder(), onToken,
          Cancellation.anyOf(cancellation, closing));
    } finally {
      guard.exit();
    }
  }

  /**
   * Starts generating a continuation of {@code promptIds} and returns at once. The request is
   * batched with every other generation on this model ({@link BatchScheduler}); {@code onToken}
   * is called on the scheduler's thread as tokens come (keep it quick: it runs between steps of
   * every request). The future completes with the result ({@code CANCELLED} after {@code
   * cancellation}, {@code future.cancel} or {@link #close()}), or exceptionally when the model
   * fails.
   *
   * @throws IllegalArgumentException for a bad prompt or one past {@link #maxContext()}
   * @throws java.util.concurrent.RejectedExecutionException when the request queue is full
   * @throws IllegalStateException when the model is closed
   */
  public CompletableFuture<GenerationResult> generateAsync(
      int[] promptIds, GenerationParams params, TokenListener onToken, Cancellation cancellation) {
    guard.enter();
    try {
      return scheduler.submit(promptIds, withModelEos(checkStops(params)), newDecoder(), onToken,
          Cancellation.anyOf(cancellation, closing));
    } finally {
      guard.exit();
    }
  }

  /** {@link #generateAsync(int[], GenerationParams, TokenListener, Cancellation)} of {@code prompt}'s tokens. */
  public CompletableFuture<GenerationResult> generateAsync(
      String prompt, GenerationParams params, TokenListener onToken, Cancellation cancellation) {
    return generateAsync(encode(prompt), params, onToken, cancellation);
  }

  /** The batch scheduler that runs this model's generations (its limits and load). */
  public BatchScheduler scheduler() {
    return scheduler;
  }

  private GenerationParams checkStops(GenerationParams params) {
    if (tokenizer == null && !params.stopStrings().isEmpty()) {
      throw new IllegalStateException(
          "stop strings need " + Checkpoint.TOKENIZER_FILE + ", which checkpoint "
              + checkpoint.directory() + " does not have");
    }
    return params;
  }

  private TextDecoder newDecoder() {
    return tokenizer == null ? null : decoder(new StreamingDetokenizer(tokenizer), tokenizer.vocabSize());
  }

  /**
   * Logits {@code [ids.length][vocab]} at every position of {@code ids} (float32).
   *
   * @throws IllegalArgumentException when {@code ids} are more than {@link #maxContext()}
   */
  public float[][] logits(int[] ids) {
    guard.enter();
    try {
      if (ids != null) {
        ContextLimit.check("a sequence of token ids", ids.length, maxContext());
      }
      try (InferenceSession session = model.newSession()) {
        return session.appendAll(ids);
      }
    } finally {
      guard.exit();
    }
  }

  /**
   * The longest sequence accepted, in tokens: prompt plus new tokens for {@code generate}, the ids
   * for {@code logits}, any session's length. The default is derived from the model's size and the
   * machine's memory ({@link ContextLimit}).
   */
  public int maxContext() {
    return model.maxContext();
  }

  /**
   * Sets {@link #maxContext()} (ALiBi extrapolates: a limit past the training length is fine when
   * the memory allows it).
   *
   * @param tokens at least 1
   */
  public void setMaxContext(int tokens) {
    model.setMaxContext(tokens);
  }

  /** The model, for callers that drive it directly (evaluation, custom decoding loops). */
  public CausalLanguageModel model() {
    return model;
  }

  /**
   * A fresh sequence with its own KV cache, for callers that drive decoding themselves; use it
   * from one thread at a time. After {@link #close()} its calls throw {@link
   * IllegalStateException}.
   */
  public InferenceSession newSession() {
    guard.enter();
    try {
      return model.newSession();
    } finally {
      guard.exit();
    }
  }

  private GenerationParams withModelEos(GenerationParams params) {
    if (!params.eosTokenIds().isEmpty()) {
      return params;
    }
    Set<Integer> eos = new HashSet<>(checkpoint.specialTokens().eosTokenIds());
    return params.withEosTokenIds(eos);
  }

  // Checkpoints pad their vocabulary (BLOOM: 250,880 rows for 250,680 tokens); an id past the
  // tokenizer's has no text, as in Hugging Face's decode.
  private static TextDecoder decoder(StreamingDetokenizer detokenizer, int tokenizerVocab) {
    return new TextDecoder() {
      @Override
      public String next(int tokenId) {
        return tokenId < tokenizerVocab ? detokenizer.next(tokenId) : "";
      }

      @Override
      public String flush() {
        return detokenizer.flush();
      }
    };
  }

  private Tokenizer requireTokenizer() {
    if (tokenizer == null) {
      throw new IllegalStateException(
          "checkpoint " + checkpoint.directory() + " has no " + Checkpoint.TOKENIZER_FILE
              + ": pass token ids instead of text");
    }
    return tokenizer;
  }

  /** Whether {@link #close()} has been called (the memory may still be in use by calls in flight). */
  public boolean isClosed() {
    return guard.isClosed();
  }

  /**
   * Cancels the generations in flight, waits for every call in flight, then frees the weights and
   * the tokenizer; later calls throw {@link IllegalStateException}. Idempotent. Called from inside
   * a call (a token listener) it does not wait: the memory is freed when that call returns.
   */
  @Override
  public void close() {
    closing.cancel();
    guard.close();
  }

  private void release() {
    try {
      scheduler.close(); // cancels what is left, ends its thread (unless this is that thread)
      model.close();
    } finally {
      if (tokenizer != null) {
        tokenizer.close();
      }
    }
  }
}
