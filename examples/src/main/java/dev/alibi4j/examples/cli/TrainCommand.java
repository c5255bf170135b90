package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.train.ByteCorpus;
import dev.alibi4j.examples.train.TrainConfig;
import dev.alibi4j.examples.train.Trainer;
import dev.alibi4j.model.safetensors.SafetensorsDtype;
import dev.alibi4j.examples.io.AtomicFile;
import dev.alibi4j.examples.io.IoErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** {@code train}: trains a small byte-level ALiBi model and writes a Hugging Face checkpoint. */
final class TrainCommand implements Command {

  @Override
  public String name() {
    return "train";
  }

  @Override
  public String summary() {
    return "train a small byte-level ALiBi model (MPT checkpoint)";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar train --corpus FILE --out DIR [options]
          --corpus FILE     UTF-8 text; the first 90% trains, the last 10% is held out
          --out DIR         where config.json, model.safetensors and tokenizer.json go (each
                            replaced atomically); checked before training starts
          --layers N        decoder blocks (default 4, at most 64)
          --hidden N        model width (default 256, at most 4096)
          --heads N         attention heads (default 4; must divide --hidden)
          --context N       training sequence length in bytes (default 128, at most 8192)
          --steps N         optimizer steps (default 1500)
          --batch N         sequences per step (default 32, at most 4096)
          --lr X            peak learning rate (default 2e-3, at most 1)
          --seed N          initialisation and sampling seed (default 1)
          --eval-every N    steps between held-out evaluations (default 100)
          --dtype f16|bf16  storage dtype of the saved weights (default f16)
        Also at most 1,048,576 tokens per step (batch × (context + 1)), 2^28 attention scores
        per layer (batch × heads × context²) and 500 million parameters.
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args,
        Set.of("--corpus", "--out", "--layers", "--hidden", "--heads", "--context", "--steps",
            "--batch", "--lr", "--seed", "--eval-every", "--dtype"),
        Set.of());
    Path corpusFile = Path.of(o.required("--corpus"));
    Path outDir = Path.of(o.required("--out"));
    SafetensorsDtype dtype = switch (o.string("--dtype") == null ? "f16" : o.string("--dtype")) {
      case "f16" -> SafetensorsDtype.F16;
      case "bf16" -> SafetensorsDtype.BF16;
      default -> throw new UsageException("option --dtype expects f16 or bf16, got '" + o.string("--dtype") + "'");
    };
    TrainConfig config;
    try {
      config = new TrainConfig(
          Options.orDefault(o.integer("--layers", 1, TrainConfig.MAX_LAYERS), 4),
          Options.orDefault(o.integer("--hidden", 1, TrainConfig.MAX_HIDDEN), 256),
          Options.orDefault(o.integer("--heads", 1), 4),
          Options.orDefault(o.integer("--context", 2, TrainConfig.MAX_CONTEXT), 128),
          Options.orDefault(o.integer("--steps", 1), 1500),
          Options.orDefault(o.integer("--batch", 1, TrainConfig.MAX_BATCH), 32),
          o.decimal("--lr") == null ? 2e-3 : o.decimal("--lr"),
          o.longValue("--seed") == null ? 1 : o.longValue("--seed"),
          Options.orDefault(o.integer("--eval-every", 1), 100));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    checkOutput(outDir); // before hours of training, not after
    ByteCorpus corpus = ByteCorpus.read(corpusFile, config.context());
    long start = System.nanoTime();
    try (Trainer trainer = new Trainer(config)) {
      double heldOut = trainer.train(corpus, err);
      trainer.save(outDir, dtype);
      err.printf(Locale.ROOT, "trained in %.1f min; held-out loss %.4f nats/byte (perplexity %.3f); wrote %s%n",
          (System.nanoTime() - start) / 60e9, heldOut, Math.exp(heldOut), outDir);
    }
    return Main.OK;
  }

  /** The output folder exists or can be made, and each checkpoint file can be written there. */
  static void checkOutput(Path outDir) throws IOException {
    if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
      throw new IllegalArgumentException("--out " + outDir + " is a file; train writes a folder"
          + " (config.json, model.safetensors, tokenizer.json)");
    }
    try {
      Files.createDirectories(outDir);
    } catch (IOException e) {
      throw new IOException("cannot create the --out folder " + outDir + ": " + IoErrors.describe(e), e);
    }
    for (String name : Trainer.FILES) {
      AtomicFile.checkWritable(outDir.resolve(name));
    }
  }
}
