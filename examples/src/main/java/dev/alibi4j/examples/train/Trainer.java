package dev.alibi4j.examples.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.AlibiTransformer;
import dev.alibi4j.engine.TransformerConfig;
import dev.alibi4j.examples.io.AtomicFile;
import dev.alibi4j.model.Family;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.tokenizer.ByteLevelTokenizerJson;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Trains a small MPT-style ALiBi decoder on a byte-level corpus with the engine's own blocks
 * ({@link AlibiTransformer#forwardFull}) and DJL's autograd, then writes a Hugging Face checkpoint
 * the engine loads like any other.
 */
public final class Trainer implements AutoCloseable {

  private static final int EVAL_BATCHES = 8;

  /** The files {@link #save} writes. */
  public static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json");

  private final TrainConfig config;
  private final NDManager manager;
  private final MptParameters params;
  private final AlibiTransformer model;
  private final AdamW optimizer;

  public Trainer(TrainConfig config) {
    this.config = config;
    this.manager = NDManager.newBaseManager("PyTorch");
    TransformerConfig architecture = MptParameters.architecture(ByteLevelTokenizerJson.VOCAB_SIZE, config);
    this.params = MptParameters.initialise(manager, architecture, config.seed());
    this.model = new AlibiTransformer(architecture, params.asModelWeights(manager));
    this.optimizer = new AdamW(manager, params.byName().values(), 0.1, 1.0);
  }

  /** Mean next-token cross-entropy (nats) of {@code tokens} {@code [batch, length]}. */
  public NDArray loss(NDArray tokens) {
    NDArray input = tokens.get(":, :-1"); // [batch, T]
    NDArray target = tokens.get(":, 1:").expandDims(-1); // [batch, T, 1]
    NDArray logProbs = model.forwardFull(input).logSoftmax(-1); // [batch, T, vocab]
    return logProbs.gather(target, 2).mean().neg();
  }

  /** One optimizer step on a batch; returns its loss, or NaN when the step had to be skipped. */
  public float step(long[] batch, double lr) {
    try (NDScope ignored = new NDScope()) {
      NDArray tokens = manager.create(batch).reshape(config.batch(), config.context() + 1);
      float value;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray loss = loss(tokens);
        gc.backward(loss);
        value = loss.getFloat();
      }
      float norm = optimizer.update(lr);
      return Float.isFinite(norm) ? value : Float.NaN;
    }
  }

  /** Mean loss over fixed held-out batches (no gradients). */
  public double heldOutLoss(ByteCorpus corpus) {
    SplittableRandom fixed = new SplittableRandom(12345);
    double sum = 0;
    for (int i = 0; i < EVAL_BATCHES; i++) {
      try (NDScope ignored = new NDScope()) {
        long[] batch = corpus.heldOutBatch(fixed, config.batch(), config.context() + 1);
        sum += loss(manager.create(batch).reshape(config.batch(), config.context() + 1)).getFloat();
      }
    }
    return sum / EVAL_BATCHES;
  }

  /** Linear warm-up over 5% of the steps, then cosine decay to 10% of the peak. */
  double learningRate(int step) {
    int warmup = Math.max(1, config.steps() / 20);
    if (step < warmup) {
      return config.learningRate() * (step + 1) / warmup;
    }
    double progress = (double) (step - warmup) / Math.max(1, config.steps() - warmup);
    return config.learningRate() * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }

  /** Trains for the configured steps, reporting to {@code err}; returns the final held-out loss. */
  public double train(ByteCorpus corpus, PrintStream err) {
    SplittableRandom random = new SplittableRandom(config.seed());
    Progress progress = new Progress(err, config.steps(), (long) config.batch() * config.context());
    double heldOut = Double.NaN;
    int skippedInARow = 0;
    for (int step = 0; step < config.steps(); step++) {
      float loss = step(corpus.trainBatch(random, config.batch(), config.context() + 1), learningRate(step));
      if (!Float.isFinite(loss)) {
        // A rare non-finite gradient is dropped; a run of them means training has diverged.
        progress.println("step " + (step + 1) + ": non-finite loss or gradient, update skipped");
        if (++skippedInARow == 10) {
          throw new IllegalStateException("10 non-finite steps in a row at step " + (step + 1) + ": lower --lr");
        }
        continue;
      }
      skippedInARow = 0;
      progress.update(step + 1, loss);
      if ((step + 1) % config.evalEvery() == 0 || step + 1 == config.steps()) {
        heldOut = heldOutLoss(corpus);
        progress.println(String.format(Locale.ROOT,
            "step %d: held-out loss %.4f nats/byte (perplexity %.3f)", step + 1, heldOut, Math.exp(heldOut)));
      }
    }
    return heldOut;
  }

  /**
   * Writes {@code config.json} (model_type mpt), {@code model.safetensors} and the byte-level
   * {@code tokenizer.json} into {@code dir}.
   */
  public void save(Path dir, SafetensorsDtype dtype) throws IOException {
    Files.createDirectories(dir);
    // Each file replaces any old one only once it is complete (a full disk leaves the old one).
    TransformerConfig c = params.config();
    JsonObject json = Family.MPT.recipe().writeConfig(c, true);
    json.addProperty("architectures", "MptForCausalLM");
    json.addProperty("max_seq_len", config.context());
    json.addProperty("eos_token_id", ByteLevelTokenizerJson.END_OF_TEXT_ID);
    json.addProperty("torch_dtype", dtype == SafetensorsDtype.BF16 ? "bfloat16" : "float16");
    String config = new GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(json);
    AtomicFile.write(dir.resolve(FILES.get(0)), tmp -> Files.writeString(tmp, config));
    AtomicFile.write(dir.resolve(FILES.get(1)), tmp -> params.save(tmp, dtype));
    AtomicFile.write(dir.resolve(FILES.get(2)), ByteLevelTokenizerJson::write);
  }

  /** The model being trained (shares the trained arrays). */
  public AlibiTransformer model() {
    return model;
  }

  @Override
  public void close() {
    model.close(); // closes the mask and the parameters' manager
  }
}
