package dev.alibi4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.alibi4j.engine.bias.AlibiMask;
import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.bias.AlibiSlopes;
import dev.alibi4j.engine.cache.KvCache;
import dev.alibi4j.engine.cache.LayerCache;
import dev.alibi4j.engine.kernel.Kernel;
import dev.alibi4j.engine.kernel.Kernels;
import dev.alibi4j.engine.nn.DecoderBlock;
import dev.alibi4j.engine.nn.LayerNorm;
import dev.alibi4j.engine.nn.Linear;
import dev.alibi4j.engine.nn.Mlp;
import dev.alibi4j.engine.nn.MultiHeadAttention;
import dev.alibi4j.engine.nn.ResidualSource;
import dev.alibi4j.engine.nn.StepBuffers;
import dev.alibi4j.engine.tensor.WeightMatrix;
import dev.alibi4j.engine.weights.LayerWeights;
import dev.alibi4j.engine.weights.ModelWeights;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An ALiBi decoder-only transformer (BLOOM, MPT) over weights already in memory.
 *
 * <p>Two paths. Several new positions (a prefill, training) run as NDArrays through libtorch.
 * One new position (a decode step) runs in Java over the weights' own bytes through the {@link
 * Kernel}, with only the attention in libtorch: that is what reads each weight once per token at
 * memory speed. Weights that live in libtorch arrays (a trainer's) always take the NDArray path.
 *
 * <p>Thread safety: one model may be shared by many threads, each running its own sessions; a
 * session must be used by one thread at a time. It owns its weights: {@link #close()} waits for
 * the calls in flight (session appends, {@link #forwardFull}), then frees the weights, the shared
 * mask and every session's KV cache. Any call that starts after that, including on a session
 * created before, throws {@link IllegalStateException} ("model is closed") and touches no freed
 * memory. Generations are not cancelled here (the engine does not know them): a {@link
 * dev.alibi4j.engine.generation.Generator} driving this model fails at its next step with that
 * exception; {@code AlibiLM.close()} cancels its generations first.
 *
 * <p>Sequences are limited to {@link #maxContext()} tokens, by default derived from the memory
 * (see {@link ContextLimit}).
 */
public final class AlibiTransformer implements CausalLanguageModel, AutoCloseable {

  private final TransformerConfig config;
  private final ModelWeights weights;
  private final WeightMatrix embeddings; // [vocab, hidden]
  private final Kernel kernel;
  private final boolean javaDecode;
  private final LayerNorm embeddingNorm; // null when the family has none
  private final List<DecoderBlock> blocks;
  private final LayerNorm finalNorm;
  private final Linear lmHead; // [vocab, hidden]
  private final AlibiMask mask;
  private final CloseGuard guard = new CloseGuard("model", this::release);
  private final java.util.concurrent.locks.ReentrantLock batchLock = new java.util.concurrent.locks.ReentrantLock();
  private NDManager batchManager; // owns batchBuffers' arrays; under the weights' manager
  private StepBuffers batchBuffers; // for decodeBatch, made on its first call
  private float[] batchLogits;
  private volatile int maxContext;

  /**
   * A model on the preferred kernel ({@link Kernels#preferred()}).
   *
   * @param config architecture; must match the weights' shapes (checked by the loader)
   * @param weights matrices in any storage type; vectors float32 or float16; ownership passes to
   *     this model
   */
  public AlibiTransformer(TransformerConfig config, ModelWeights weights) {
    this(config, weights, Kernels.preferred());
  }

  /** A model whose decode steps and small products run on {@code kernel}. */
  public AlibiTransformer(TransformerConfig config, ModelWeights weights, Kernel kernel) {
    if (weights.layers().size() != config.numLayers()) {
      throw new IllegalArgumentException(
          "config has " + config.numLayers() + " layers but weights have " + weights.layers().size());
    }
    this.config = config;
    this.weights = weights;
    this.kernel = kernel;
    this.embeddings = weights.embeddings();
    this.javaDecode = weights.matrices().stream().allMatch(WeightMatrix::hasBytes);
    NDManager manager = weights.manager();
    double eps = config.layerNormEps();
    this.embeddingNorm =
        config.embeddingLayerNorm()
            ? new LayerNorm(wide(weights.embLnWeight()), wide(weights.embLnBias()), eps)
            : null;
    this.blocks = new ArrayList<>();
    for (LayerWeights w : weights.layers()) {
      blocks.add(block(config, w, kernel, manager));
    }
    this.finalNorm = new LayerNorm(wide(weights.finalLnWeight()), wide(weights.finalLnBias()), eps);
    this.lmHead = new Linear(weights.lmHead(), null, kernel);
    double[] slopes = AlibiSlopes.of(config.slopeScheme(), config.numHeads(), config.alibiBiasMax());
    if (config.alibiOrder() == AlibiOrder.BEFORE_SCALE) {
      // (q·kᵀ + b)·s = q·kᵀ·s + b·s: the bias enters after the scale with slopes times the scale.
      for (int h = 0; h < slopes.length; h++) {
        slopes[h] *= config.softmaxScale();
      }
    }
    this.mask = new AlibiMask(weights.manager(), slopes, DataType.FLOAT32);
    long weightBytes = weights.matrices().stream().mapToLong(WeightMatrix::byteSize).sum();
    this.maxContext = ContextLimit.defaultFor(config, weightBytes, ContextLimit.physicalMemory());
  }

  private static DecoderBlock block(TransformerConfig c, LayerWeights w, Kernel kernel, NDManager manager) {
    double eps = c.layerNormEps();
    var attention =
        new MultiHeadAttention(
            new Linear(w.qkvWeight(), wide(w.qkvBias()), kernel),
            new Linear(w.outWeight(), wide(w.outBias()), kernel),
            c.qkvLayout(),
            c.numHeads(),
            c.headDim(),
            c.clipQkv(),
            c.softmaxScale(),
            manager);
    var mlp = new Mlp(
        new Linear(w.upWeight(), wide(w.upBias()), kernel),
        new Linear(w.downWeight(), wide(w.downBias()), kernel),
        c.activation(),
        kernel,
        manager);
    return new DecoderBlock(
        new LayerNorm(wide(w.ln1Weight()), wide(w.ln1Bias()), eps),
        attention,
        new LayerNorm(wide(w.ln2Weight()), wide(w.ln2Bias()), eps),
        mlp,
        c.residual() == ResidualSource.NORMED_INPUT);
  }

  /**
   * Vectors (norm gains, biases) in float32 whatever the weights' type: they are tiny, and
   * activations stay float32 between the matrix products.
   */
  private static NDArray wide(NDArray vector) {
    return vector == null || vector.getDataType() == DataType.FLOAT32
        ? vector
        : vector.toType(DataType.FLOAT32, false);
  }

  /** The architecture. */
  public TransformerConfig config() {
    return config;
  }

  @Override
  public int vocabSize() {
    return config.vocabSize();
  }

  /** The kernel of decode steps. */
  public Kernel kernel() {
    return kernel;
  }

  /** @throws IllegalStateException when the model is closed */
  @Override
  public InferenceSession newSession() {
    guard.enter();
    try {
      return new AlibiSession(this, new KvCache(weights.manager(), config.numLayers()));
    } finally {
      guard.exit();
    }
  }

  /**
   * The longest sequence a session accepts, in tokens: by default {@link
   * ContextLimit#defaultFor}'s bound for this model and machine.
   */
  @Override
  public int maxContext() {
    return maxContext;
  }

  /**
   * Sets the longest sequence sessions accept from now on (sequences already longer are not cut,
   * but cannot grow).
   *
   * @param tokens at least 1
   */
  public void setMaxContext(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("maxContext must be >= 1, got " + tokens);
    }
    this.maxContext = tokens;
  }

  /** Guards every use of the native memory; sessions enter it around each call. */
  CloseGuard guard() {
    return guard;
  }

  /** Whether one-position steps run in Java (every matrix is bytes). */
  boolean decodesInJava() {
    return javaDecode;
  }

  /** Java-side buffers for {@link #decode} of up to {@code rows} sequences, owned by {@code manager}. */
  StepBuffers newStepBuffers(NDManager manager, int rows) {
    return new StepBuffers(config.hiddenSize(), config.numHeads(), config.ffnHiddenSize(), rows, manager);
  }

  /**
   * One new token for each of {@code sessions}, decoded together: every weight is read once for
   * all of them, and each session's logits are the very values (to the last bit) that it would
   * get alone from {@link InferenceSession#append}.
   *
   * @param sessions open sessions of this model, each at most once
   * @param ids one new token id per session
   * @param logits {@code [sessions, vocab]} flat, overwritten
   * @throws IllegalArgumentException for a session of another model, a bad id, or a sequence that
   *     would pass {@link #maxContext()}, before any work
   * @throws IllegalStateException when the model or a session is closed
   */
  @Override
  public void decodeBatch(InferenceSession[] sessions, int[] ids, float[] logits) {
    int n = sessions.length;
    if (ids.length != n || logits.length < (long) n * config.vocabSize()) {
      throw new IllegalArgumentException("decodeBatch: " + n + " sessions, " + ids.length + " ids, "
          + logits.length + " logits (need sessions × vocab = " + (long) n * config.vocabSize() + ")");
    }
    AlibiSession[] own = new AlibiSession[n];
    java.util.Set<InferenceSession> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    for (int r = 0; r < n; r++) {
      if (!(sessions[r] instanceof AlibiSession a) || a.model() != this) {
        throw new IllegalArgumentException("session " + r + " does not belong to this model");
      }
      if (!seen.add(a)) {
        throw new IllegalArgumentException("session " + r + " appears twice in one batch");
      }
      a.checkIds(new int[] {ids[r]});
      own[r] = a;
    }
    if (!javaDecode) {
      CausalLanguageModel.super.decodeBatch(sessions, ids, logits);
      return;
    }
    guard.enter();
    batchLock.lock();
    try {
      if (batchBuffers == null) {
        batchManager = weights.manager().newSubManager();
        batchBuffers = newStepBuffers(batchManager, Kernel.MAX_ROWS);
      }
      int vocab = config.vocabSize();
      for (int start = 0; start < n; start += Kernel.MAX_ROWS) {
        int count = Math.min(Kernel.MAX_ROWS, n - start);
        KvCache[] caches = new KvCache[count];
        for (int r = 0; r < count; r++) {
          caches[r] = own[start + r].cache();
        }
        // The first group writes straight into the caller's array; later ones (past the
        // kernel's rows) through a scratch array, as the kernel writes from index 0.
        float[] rows = start == 0 ? logits : batchLogits(count * vocab);
        try (NDScope ignored = new NDScope()) {
          decode(java.util.Arrays.copyOfRange(ids, start, start + count), caches, batchBuffers, rows);
        }
        if (rows != logits) {
          System.arraycopy(rows, 0, logits, start * vocab, count * vocab);
        }
      }
    } finally {
      batchLock.unlock();
      guard.exit();
    }
  }

  private float[] batchLogits(int size) {
    if (batchLogits == null || batchLogits.length < size) {
      batchLogits = new float[size];
    }
    return batchLogits;
  }

  /**
   * New tokens of {@code caches.length} sequences (at most the buffers' capacity) through the Java
   * path: appends their keys and values to their caches and writes the logits that predict each
   * one's next token.
   *
   * @param logits {@code [rows, vocab]} flat, overwritten
   */
  void decode(int[] tokens, KvCache[] caches, StepBuffers s, float[] logits) {
    int rows = caches.length;
    int hidden = config.hiddenSize();
    float[] x = s.residual();
    NDArray[] masks = new NDArray[rows];
    try {
      for (int r = 0; r < rows; r++) {
        embeddings.readRow(tokens[r], x, r * hidden);
        if (embeddingNorm != null) {
          embeddingNorm.apply(x, r * hidden, x);
        }
        masks[r] = mask.forQueries(caches[r].length(), 1); // [heads, 1, kv_len]
      }
      LayerCache[] layer = new LayerCache[rows];
      for (int i = 0; i < blocks.size(); i++) {
        for (int r = 0; r < rows; r++) {
          layer[r] = caches[r].layer(i);
        }
        blocks.get(i).decode(s, rows, masks, layer);
      }
    } finally {
      for (NDArray m : masks) {
        if (m != null) {
          m.close();
        }
      }
    }
    for (int r = 0; r < rows; r++) {
      finalNorm.apply(x, r * hidden, s.normed());
    }
    lmHead.multiply(s.normed(), logits, rows);
    if (config.logitScale() != 1.0) {
      float scale = (float) config.logitScale();
      for (int i = 0; i < rows * config.vocabSize(); i++) {
        logits[i] *= scale;
      }
    }
  }

  /**
   * Logits at every position of whole sequences, without a KV cache. Nothing is written in
   * place, so DJL's autograd can differentiate through it (training); arrays created here belong
   * to the caller's scope.
   *
   * @param tokens {@code [batch, seq]} int64 token ids
   * @return logits {@code [batch, seq, vocab]}
   */
  public NDArray forwardFull(NDArray tokens) {
    guard.enter();
    try {
      return forward(tokens, null, LogitPositions.ALL);
    } finally {
      guard.exit();
    }
  }

  /**
   * Runs the new tokens through the model, appending their keys and values to {@code cache}
   * (null: no cache, the tokens are the whole sequence).
   *
   * @param tokens {@code [batch, q_len]} int64 token ids
   * @param positions which positions to project to logits
   * @return logits {@code [batch, q_len or 1, vocab]}, or null for {@link LogitPositions#NONE}
   */
  NDArray forward(NDArray tokens, KvCache cache, LogitPositions positions) {
    long qLen = tokens.getShape().get(1);
    int start = cache == null ? 0 : cache.length();
    NDArray x = embed(tokens); // [batch, q_len, hidden]
    if (embeddingNorm != null) {
      x = embeddingNorm.forward(x);
    }
    NDArray layerMask = mask.forQueries(start, (int) qLen); // [heads, q_len, kv_len]
    for (int i = 0; i < blocks.size(); i++) {
      x = cache == null
          ? blocks.get(i).forward(x, layerMask, null)
          : blockInOwnScope(blocks.get(i), x, layerMask, cache.layer(i));
    }
    if (positions == LogitPositions.NONE) {
      return null;
    }
    if (positions == LogitPositions.LAST && qLen > 1) {
      x = x.get(":, -1:, :"); // [batch, 1, hidden]
    }
    NDArray logits = lmHead.forward(finalNorm.forward(x)); // [batch, positions, vocab]
    return config.logitScale() == 1.0 ? logits : logits.muli((float) config.logitScale());
  }

  /** Rows of the embedding matrix, widened to float32: {@code [batch, q_len]} to {@code [batch, q_len, hidden]}. */
  private NDArray embed(NDArray tokens) {
    Shape shape = tokens.getShape().add(config.hiddenSize());
    if (embeddings.array() != null) { // a trainer's array: a differentiable gather
      return embeddings.array().get(new NDIndex("{}", tokens.flatten())) // [batch * q_len, hidden]
          .reshape(shape)
          .toType(DataType.FLOAT32, false);
    }
    long[] ids = tokens.toLongArray();
    int hidden = config.hiddenSize();
    float[] rows = new float[ids.length * hidden];
    for (int i = 0; i < ids.length; i++) {
      embeddings.readRow((int) ids[i], rows, i * hidden);
    }
    return tokens.getManager().create(FloatBuffer.wrap(rows), shape);
  }

  /**
   * Runs one block and frees its intermediates (and its input) at once, keeping only its output,
   * so that a long prefill holds one block's temporaries at a time rather than every block's
   * (bloom-560m, 512 tokens: about 90 MB instead of 2.2 GB).
   */
  private static NDArray blockInOwnScope(DecoderBlock block, NDArray x, NDArray mask, LayerCache cache) {
    NDArray out;
    try (NDScope scope = new NDScope()) {
      out = block.forward(x, mask, cache); // [batch, q_len, hidden]
      NDScope.unregister(out);
    }
    NDScope.register(out); // back under the caller's scope
    x.close();
    return out;
  }

  /**
   * Refuses new calls, waits for those in flight, then frees the weights, the mask and every
   * session's KV cache. Idempotent.
   */
  @Override
  public void close() {
    guard.close();
  }

  private void release() {
    try {
      mask.close();
    } finally {
      weights.close();
    }
  }
}
