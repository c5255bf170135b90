package dev.alibi4j.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.alibi4j.engine.cache.KvCache;
import dev.alibi4j.engine.nn.StepBuffers;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * A sequence being decoded by an {@link AlibiTransformer}. Every step runs inside its own
 * {@link NDScope}, so intermediate arrays are freed at once and long generations keep a flat
 * native footprint; only the KV cache persists between steps.
 *
 * <p>Every call holds the model's {@link CloseGuard}: the model cannot free the weights (or this
 * session's KV cache, which lives under them) while it runs, and after the model is closed every
 * call fails with "model is closed" before touching native memory.
 */
final class AlibiSession implements InferenceSession {

  /**
   * Longest run of tokens sent through the model at once. A longer prompt is prefilled in chunks
   * through the cache, with the same result: activations and attention scores stay bounded
   * (scores alone are {@code heads * chunk * context} floats, 1 GB per layer for one 4k-token
   * chunk of bloom-560m) while the matrix products stay large enough to run at full speed.
   */
  static final int PREFILL_CHUNK = 256;

  private final AlibiTransformer model;
  private final KvCache cache;
  private NDManager stepManager; // owns the step buffers' array, made on the first decode step
  private StepBuffers stepBuffers;
  private boolean closed;

  AlibiSession(AlibiTransformer model, KvCache cache) {
    this.model = model;
    this.cache = cache;
  }

  @Override
  public float[] append(int[] ids) {
    return append(ids, null);
  }

  @Override
  public float[] append(int[] ids, float[] reuse) {
    checkIds(ids);
    model.guard().enter();
    try {
      if (ids.length == 1 && model.decodesInJava()) {
        float[] logits = reuse != null && reuse.length >= model.vocabSize() ? reuse : new float[model.vocabSize()];
        decode(ids[0], logits);
        return logits;
      }
      return run(ids, LogitPositions.LAST)[0]; // a prefill's one row: allocated once per prompt
    } finally {
      model.guard().exit();
    }
  }

  /** One token through the Java path (see {@link AlibiTransformer#decode}). */
  private void decode(int id, float[] logits) {
    if (stepBuffers == null) {
      stepManager = NDManager.newBaseManager("PyTorch");
      stepBuffers = model.newStepBuffers(stepManager, 1);
    }
    try (NDScope ignored = new NDScope()) {
      model.decode(new int[] {id}, new KvCache[] {cache}, stepBuffers, logits);
    }
  }

  @Override
  public void prefill(int[] ids) {
    checkIds(ids);
    model.guard().enter();
    try {
      run(ids, LogitPositions.NONE);
    } finally {
      model.guard().exit();
    }
  }

  @Override
  public float[][] appendAll(int[] ids) {
    checkIds(ids);
    model.guard().enter();
    try {
      return run(ids, LogitPositions.ALL);
    } finally {
      model.guard().exit();
    }
  }

  /**
   * {@code ids} through the model in chunks of {@link #PREFILL_CHUNK}: logits at every position
   * ({@code ALL}: {@code [ids.length][vocab]}), after the last one only ({@code LAST}: {@code
   * [1][vocab]}), or none ({@code NONE}: null); chunks before the last only fill the cache.
   */
  private float[][] run(int[] ids, LogitPositions wanted) {
    float[][] rows = switch (wanted) {
      case ALL -> new float[ids.length][];
      case LAST -> new float[1][];
      case NONE -> null;
    };
    for (int start = 0; start < ids.length; start += PREFILL_CHUNK) {
      int end = Math.min(ids.length, start + PREFILL_CHUNK);
      int[] chunk = Arrays.copyOfRange(ids, start, end);
      if (wanted == LogitPositions.ALL) {
        forward(chunk, LogitPositions.ALL, rows, start);
      } else if (wanted == LogitPositions.LAST && end == ids.length) {
        forward(chunk, LogitPositions.LAST, rows, 0);
      } else {
        forward(chunk, LogitPositions.NONE, null, 0); // only fills the cache
      }
    }
    return rows;
  }


  /**
   * One chunk in its own scope, its logits copied into {@code rows} from index {@code first}
   * (none when {@code rows} is null).
   */
  private void forward(int[] chunk, LogitPositions positions, float[][] rows, int first) {
    int vocab = model.vocabSize();
    try (NDScope ignored = new NDScope();
        NDManager step = NDManager.newBaseManager("PyTorch")) {
      long[] tokens = Arrays.stream(chunk).asLongStream().toArray();
      NDArray input = step.create(tokens).reshape(1, chunk.length); // [1, q_len]
      NDArray logits = model.forward(input, cache, positions); // [1, positions, vocab] or null
      if (rows == null) {
        return;
      }
      // Read the tensor's own memory (no intermediate copy: toFloatArray made two, 1.4 ms a step
      // for a 250k vocabulary).
      FloatBuffer flat = logits.toType(DataType.FLOAT32, false).toByteBuffer(true).asFloatBuffer();
      int count = flat.remaining() / vocab;
      for (int p = 0; p < count; p++) {
        rows[first + p] = new float[vocab];
        flat.get(rows[first + p]);
      }
    }
  }

  /** The model this session belongs to. */
  AlibiTransformer model() {
    return model;
  }

  /** Its KV cache. */
  KvCache cache() {
    return cache;
  }

  /** Checks that {@code ids} may be appended: open, ids in the vocabulary, within the context limit. */
  void checkIds(int[] ids) {
    if (closed) {
      throw new IllegalStateException("session is closed");
    }
    if (ids == null || ids.length == 0) {
      throw new IllegalArgumentException("at least one token id is needed");
    }
    int vocab = model.vocabSize();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] < 0 || ids[i] >= vocab) {
        throw new IllegalArgumentException(
            "token id " + ids[i] + " at index " + i + " is outside the vocabulary [0, " + vocab + ")");
      }
    }
    int cached = cache.length();
    ContextLimit.check(
        "the sequence of " + cached + " tokens + " + ids.length + " new", (long) cached + ids.length,
        model.maxContext());
  }

  @Override
  public int length() {
    return cache.length();
  }

  /**
   * Frees the KV cache, unless the model is closed: it then freed the cache itself. The step
   * buffers belong to no model and are freed in either case.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      model.guard().enter();
    } catch (IllegalStateException modelClosed) {
      closeStepBuffers();
      return;
    }
    try {
      cache.close();
    } finally {
      model.guard().exit();
      closeStepBuffers();
    }
  }

  private void closeStepBuffers() {
    if (stepManager != null) {
      stepManager.close();
    }
  }
}
