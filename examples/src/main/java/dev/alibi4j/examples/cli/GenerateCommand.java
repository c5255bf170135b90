package dev.alibi4j.examples.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.generation.GenerationParams;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.engine.generation.TokenListener;
import dev.alibi4j.model.AlibiLM;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** {@code generate}: streams generated text to stdout, timings to stderr; or one JSON object. */
final class GenerateCommand implements Command {

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String summary() {
    return "generate text from a prompt (streamed)";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar generate [--model DIR] (--prompt TEXT | --ids 1,2,3 | ...) [options]
          --model DIR|OWNER/NAME     checkpoint directory (config.json, weights, tokenizer.json), or
                                     a hub id found in the local Hugging Face cache;
                                     default: the built-in Tiny Shakespeare model
          --prompt TEXT              prompt text (needs tokenizer.json)
          --prompt-file FILE|-       prompt read from a UTF-8 file, or standard input for -
                                     (whatever the locale)
          --ids 1,2,3                prompt token ids, comma-separated
          --ids-file FILE|-          prompt token ids separated by commas or whitespace
          --max-new-tokens N         tokens to generate at most (default 128)
          --temperature T            0 = greedy (default), > 0 samples
          --top-k K                  sample among the K most likely tokens (0 = off)
          --top-p P                  nucleus sampling, 0 < P <= 1 (1 = off)
          --repetition-penalty R     > 1 discourages repeats (1 = off)
          --seed S                   random seed: same seed, same text
          --stop STR                 stop when STR appears (repeatable); STR is not printed
          --dtype T                  weights in memory: f32 (exact, 4 bytes a weight), f16 or bf16
                                     (2 bytes), q8_0 (8-bit blocks, ~1.06 bytes, fastest decoding)
                                     or auto (default: as the checkpoint stores them, mapped)
          --max-context N            longest prompt + new tokens accepted (default: from the
                                     model's size and the memory; see README)
          --json                     print one JSON object instead of streaming
          --no-mmap                  read the weights into memory instead of mapping the files:
                                     the model is then unaffected if they are replaced or truncated
        Generation stops as soon as standard output is closed (| head) and exits with code 0.
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(
        args,
        Set.of("--model", "--prompt", "--prompt-file", "--ids", "--ids-file", "--max-new-tokens",
            "--temperature", "--top-k", "--top-p", "--repetition-penalty", "--seed", "--stop", "--dtype",
            MaxContextOption.NAME),
        Set.of("--json", "--no-mmap"));
    if (Stream.of("--prompt", "--prompt-file", "--ids", "--ids-file").filter(o::has).count() != 1) {
      throw new UsageException("give exactly one of --prompt, --prompt-file, --ids or --ids-file");
    }
    GenerationParams params = params(o);
    String prompt = o.has("--prompt-file") ? FileInputs.text("--prompt-file", o.string("--prompt-file"))
        : o.text("--prompt", "use --prompt-file FILE (UTF-8) or ");
    int[] ids = o.has("--ids-file") ? FileInputs.ids("--ids-file", o.string("--ids-file")) : o.ids("--ids");
    Path dir = o.has("--model") ? Options.model(o) : BuiltinModel.resolve(err);
    boolean json = o.flag("--json");
    Integer maxContext = MaxContextOption.parse(o);
    long loadStart = System.nanoTime();
    try (AlibiLM lm = AlibiLM.load(dir, Options.weightType(o), Options.loadOptions(o))) {
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
      MaxContextOption.apply(maxContext, lm);
      if (prompt != null && lm.tokenizer().isEmpty()) {
        throw new UsageException("a text prompt needs tokenizer.json in " + dir + "; give token ids with --ids");
      }
      int[] promptIds = prompt != null ? lm.encode(prompt) : ids;
      boolean hasText = lm.tokenizer().isPresent();
      TokenListener stream = json ? null : (id, text) -> {
        out.print(hasText ? text : id + " ");
        if (out.checkError()) { // flushes; a closed pipe ends the generation here
          throw OutputFailure.of(out);
        }
      };
      GenerationResult r = lm.generate(promptIds, params, stream);
      if (json) {
        out.println(toJson(r, loadSeconds));
      } else {
        out.println();
        err.printf(Locale.ROOT, "[load %.2f s | prompt %d tokens, %.1f tok/s prefill | generated %d tokens, %.1f tok/s decode | finish: %s | seed %d]%n",
            loadSeconds, r.promptTokens(), r.prefillTokensPerSecond(), r.generatedTokens(),
            r.decodeTokensPerSecond(), r.finishReason().name().toLowerCase(Locale.ROOT), r.seed());
      }
    }
    return Main.OK;
  }

  private static GenerationParams params(Options o) {
    GenerationParams.Builder b = GenerationParams.builder();
    Integer maxNew = o.integer("--max-new-tokens", 1);
    if (maxNew != null) {
      b.maxNewTokens(maxNew);
    }
    Double temperature = o.decimal("--temperature");
    if (temperature != null) {
      b.temperature(temperature);
    }
    Integer topK = o.integer("--top-k", 0);
    if (topK != null) {
      b.topK(topK);
    }
    Double topP = o.decimal("--top-p");
    if (topP != null) {
      b.topP(topP);
    }
    Double penalty = o.decimal("--repetition-penalty");
    if (penalty != null) {
      b.repetitionPenalty(penalty);
    }
    Long seed = o.longValue("--seed");
    if (seed != null) {
      b.seed(seed);
    }
    o.checkText("--stop", "");
    for (String stop : o.all("--stop")) {
      b.stopString(stop);
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  static String toJson(GenerationResult r, double loadSeconds) {
    JsonObject j = new JsonObject();
    JsonArray ids = new JsonArray();
    for (int id : r.ids()) {
      ids.add(id);
    }
    j.add("ids", ids);
    j.addProperty("text", r.text());
    j.addProperty("finish_reason", r.finishReason().name().toLowerCase(Locale.ROOT));
    j.addProperty("prompt_tokens", r.promptTokens());
    j.addProperty("generated_tokens", r.generatedTokens());
    j.addProperty("prefill_tokens_per_s", finiteOrNull(r.prefillTokensPerSecond()));
    j.addProperty("decode_tokens_per_s", finiteOrNull(r.decodeTokensPerSecond()));
    j.addProperty("seed", r.seed());
    j.addProperty("load_s", loadSeconds);
    return new GsonBuilder().serializeNulls().disableHtmlEscaping().create().toJson(j);
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
