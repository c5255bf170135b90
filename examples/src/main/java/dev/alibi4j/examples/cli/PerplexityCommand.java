package dev.alibi4j.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.eval.PerplexityResult;
import dev.alibi4j.engine.eval.WindowedPerplexity;
import dev.alibi4j.model.AlibiLM;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/** {@code perplexity}: windowed perplexity of a text file, as the ALiBi paper evaluates it. */
final class PerplexityCommand implements Command {

  @Override
  public String name() {
    return "perplexity";
  }

  @Override
  public String summary() {
    return "perplexity of a text file (non-overlapping or sliding windows)";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar perplexity [--model DIR] --file TEXT [options]
          --model DIR     checkpoint directory (default: the built-in model)
          --file TEXT     UTF-8 text to score
          --held-out      score only the last 10% of the file (what `train` held out)
          --context N     window length in tokens (default 128)
          --stride S      distance between windows (default: N, non-overlapping)
          --dtype T       weights in memory: f32, f16, bf16, q8_0 or auto (default: as stored)
          --no-mmap       read the weights into memory instead of mapping the files
          --max-context N longest window accepted (default: from the model's size and the memory)
          --unigram       also report a unigram model of the same tokens, add-one smoothed,
                          estimated on the first 90% with --held-out (else on the scored text
                          itself, in-sample)
          --json          print one JSON object
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args, Set.of("--model", "--file", "--context", "--stride", "--dtype", MaxContextOption.NAME),
        Set.of("--held-out", "--unigram", "--json", "--no-mmap"));
    Path file = Path.of(o.required("--file"));
    Integer contextOption = o.integer("--context", 2);
    int context = contextOption == null ? 128 : contextOption;
    Integer strideOption = o.integer("--stride", 1);
    int stride = strideOption == null ? context : strideOption;
    if (stride > context) {
      throw new UsageException("option --stride must be <= --context (" + context + "), got " + stride);
    }
    Integer maxContext = MaxContextOption.parse(o);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("text file not found: " + file);
    }
    byte[] bytes = Files.readAllBytes(file);
    int split = o.flag("--held-out") ? (int) (bytes.length * 0.9) : 0;
    String scoredText = new String(Arrays.copyOfRange(bytes, split, bytes.length), StandardCharsets.UTF_8);
    String restText = new String(Arrays.copyOf(bytes, split), StandardCharsets.UTF_8);
    Path dir = o.has("--model") ? Options.model(o) : BuiltinModel.resolve();
    try (AlibiLM lm = AlibiLM.load(dir, Options.weightType(o), Options.loadOptions(o))) {
      MaxContextOption.apply(maxContext, lm);
      ContextLimit.check("a perplexity window (--context)", context, lm.maxContext()); // before tokenizing
      if (lm.tokenizer().isEmpty()) {
        throw new IllegalArgumentException("perplexity needs tokenizer.json, which " + dir + " does not have");
      }
      int[] tokens = lm.encode(scoredText);
      long start = System.nanoTime();
      PerplexityResult r = WindowedPerplexity.evaluate(lm.model(), tokens, context, stride,
          (done, total) -> progress(err, done, total, start));
      err.println();
      Double unigram = null;
      if (o.flag("--unigram")) {
        int[] rest = o.flag("--held-out") ? lm.encode(restText) : tokens;
        unigram = UnigramBaseline.perplexity(rest, tokens, lm.config().vocabSize(), context, stride);
      }
      if (o.flag("--json")) {
        JsonObject j = new JsonObject();
        j.addProperty("perplexity", r.perplexity());
        j.addProperty("tokens", r.scoredTokens());
        j.addProperty("context", r.context());
        j.addProperty("stride", r.stride());
        j.addProperty("tokens_per_s", r.tokensPerSecond());
        if (unigram != null) {
          j.addProperty("unigram_perplexity", unigram);
        }
        out.println(new GsonBuilder().create().toJson(j));
      } else {
        out.printf(Locale.ROOT, "perplexity %.4f over %d tokens (context %d, stride %d, %.0f tokens/s)%n",
            r.perplexity(), r.scoredTokens(), r.context(), r.stride(), r.tokensPerSecond());
        if (unigram != null) {
          out.printf(Locale.ROOT, "unigram baseline perplexity %.4f%n", unigram);
        }
      }
    }
    return Main.OK;
  }

  private static void progress(PrintStream err, long done, long total, long start) {
    double seconds = (System.nanoTime() - start) / 1e9;
    double rate = done / Math.max(seconds, 1e-9);
    long eta = Math.round((total - done) / Math.max(rate, 1e-9));
    err.printf(Locale.ROOT, "\r%5.1f%% | %d/%d tokens | %.0f tokens/s | ETA %d:%02d ",
        100.0 * done / total, done, total, rate, eta / 60, eta % 60);
    err.flush();
  }
}
