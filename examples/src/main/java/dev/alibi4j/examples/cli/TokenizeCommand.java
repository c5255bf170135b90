package dev.alibi4j.examples.cli;

import dev.alibi4j.model.Checkpoint;
import dev.alibi4j.tokenizer.Tokenizer;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** {@code tokenize --model DIR --text TEXT}: prints the ids, comma-separated. */
final class TokenizeCommand implements Command {

  @Override
  public String name() {
    return "tokenize";
  }

  @Override
  public String summary() {
    return "print the token ids of a text";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar tokenize --model DIR (--text TEXT | --text-file FILE)
          --model DIR          checkpoint directory holding tokenizer.json
          --text TEXT          text to tokenize (as Hugging Face's tokenizer(text) does)
          --text-file FILE|-   the text read from a UTF-8 file, or standard input for -
                               (whatever the locale)
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args, Set.of("--model", "--text", "--text-file"), Set.of());
    if (o.has("--text") == o.has("--text-file")) {
      throw new UsageException("give exactly one of --text or --text-file");
    }
    String text = o.has("--text") ? o.text("--text", "use --text-file FILE (UTF-8) or ")
        : FileInputs.text("--text-file", o.string("--text-file"));
    Path dir = Options.model(o);
    Path file = dir.resolve(Checkpoint.TOKENIZER_FILE);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no " + Checkpoint.TOKENIZER_FILE + " in " + dir);
    }
    try (Tokenizer tokenizer = Tokenizer.load(file)) {
      int[] ids = tokenizer.encode(text);
      out.println(Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",")));
    }
    return Main.OK;
  }
}
