package dev.alibi4j.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.ContextLimit;
import dev.alibi4j.engine.eval.PerplexityResult;
import dev.alibi4j.engine.eval.StreamingPerplexity;
import dev.alibi4j.examples.io.Utf8Reader;
import dev.alibi4j.model.AlibiLM;
import dev.alibi4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

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
          --file TEXT     UTF-8 text to score, read and tokenized a piece at a time (any
                          size); a file that is not valid UTF-8 is refused
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
    long size = Files.size(file);
    boolean heldOut = o.flag("--held-out");
    long split = heldOut ? characterStart(file, (long) (size * 0.9)) : 0;
    Path dir = o.has("--model") ? Options.model(o) : BuiltinModel.resolve(err);
    try (AlibiLM lm = AlibiLM.load(dir, Options.weightType(o), Options.loadOptions(o))) {
      MaxContextOption.apply(maxContext, lm);
      ContextLimit.check("a perplexity window (--context)", context, lm.maxContext()); // before tokenizing
      Tokenizer tokenizer = lm.tokenizer().orElseThrow(() ->
          new IllegalArgumentException("perplexity needs tokenizer.json, which " + dir + " does not have"));
      int vocab = lm.config().vocabSize();
      int ids = Math.max(vocab, tokenizer.vocabSize());
      boolean unigram = o.flag("--unigram");
      long[] scoredCounts = new long[unigram ? ids : 0];
      long[] trainCounts = new long[unigram ? ids : 0];
      ProgressLine line = new ProgressLine(err, size - split);
      StreamingPerplexity eval = new StreamingPerplexity(lm.model(), context, stride,
          unigram ? id -> scoredCounts[id]++ : null, (scored, total) -> line.show(scored));
      tokenize(tokenizer, file, split, size, CHUNK, tokens -> {
        if (unigram && !heldOut) {
          count(tokens, trainCounts); // in-sample: the scored text is its own training text
        }
        line.tokens += tokens.length;
        eval.accept(tokens);
      }, line);
      PerplexityResult r = eval.finish();
      line.done(r.scoredTokens());
      Double unigramPerplexity = null;
      if (unigram) {
        if (heldOut) {
          tokenize(tokenizer, file, 0, split, CHUNK, tokens -> count(tokens, trainCounts), null);
        }
        unigramPerplexity = UnigramBaseline.perplexity(trainCounts, scoredCounts, vocab);
      }
      report(o.flag("--json"), r, unigramPerplexity, out);
    }
    return Main.OK;
  }

  /** Bytes read and characters tokenized at a time: memory stays flat whatever the file's size. */
  static final int CHUNK = 1 << 20;

  /**
   * Tokenizes bytes {@code [from, to)} of {@code file}, a piece at a time, giving the ids to
   * {@code sink} in order; they are the ids of tokenizing that text whole.
   *
   * @throws java.nio.charset.CharacterCodingException when the bytes are not UTF-8, naming the
   *     file and the byte offset
   */
  static void tokenize(Tokenizer tokenizer, Path file, long from, long to, int chunkChars,
      Consumer<int[]> sink, ProgressLine progress) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      in.skipNBytes(from);
      Utf8Reader reader = new Utf8Reader(in, file.toString(), from, to - from, Math.min(CHUNK, chunkChars));
      if (progress != null) {
        progress.reader = reader;
        progress.from = from;
      }
      new ChunkedTokenizer(tokenizer, chunkChars).tokenize(reader, sink);
    }
  }

  /** {@code offset}, or the start of the character it falls inside (UTF-8 continuation bytes skipped). */
  static long characterStart(Path file, long offset) throws IOException {
    try (FileChannel ch = FileChannel.open(file)) {
      ByteBuffer b = ByteBuffer.allocate(4);
      ch.read(b, offset);
      b.flip();
      while (b.hasRemaining() && (b.get(b.position()) & 0xC0) == 0x80) {
        b.get();
        offset++;
      }
      return offset;
    }
  }

  private static void count(int[] tokens, long[] counts) {
    for (int id : tokens) {
      if (id >= 0 && id < counts.length) {
        counts[id]++;
      }
    }
  }

  private static void report(boolean json, PerplexityResult r, Double unigram, PrintStream out) {
    if (json) {
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

  /**
   * The progress line on stderr. The number of tokens is known only at the end, so it is
   * estimated from the tokens per byte so far.
   */
  static final class ProgressLine {
    private final PrintStream err;
    private final long bytes;
    private final long start = System.nanoTime();
    Utf8Reader reader;
    long from;
    long tokens;

    ProgressLine(PrintStream err, long bytes) {
      this.err = err;
      this.bytes = bytes;
    }

    void show(long scored) {
      long read = reader == null ? 0 : reader.offset() - from;
      long total = read <= 0 ? tokens : Math.max(scored, Math.round((double) tokens * bytes / read));
      progress(err, scored, Math.max(total, 1), start);
    }

    void done(long scored) {
      progress(err, scored, scored, start);
      err.println();
    }
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
