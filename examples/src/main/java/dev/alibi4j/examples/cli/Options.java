package dev.alibi4j.examples.cli;

import dev.alibi4j.engine.tensor.WeightType;
import dev.alibi4j.model.HubCache;
import dev.alibi4j.model.LoadOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed {@code --name value} options of one subcommand. Every option must be declared; unknown
 * options, missing values and malformed numbers raise a {@link UsageException} naming the option.
 */
public final class Options {

  private final Map<String, List<String>> values = new HashMap<>();

  private Options() {}

  /**
   * @param args the arguments after the subcommand
   * @param valued options that take a value (may repeat: all values are kept)
   * @param flags options without a value
   */
  public static Options parse(String[] args, Set<String> valued, Set<String> flags) {
    Options o = new Options();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String name = a;
      String inline = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 2) {
        name = a.substring(0, eq);
        inline = a.substring(eq + 1);
      }
      if (flags.contains(name) && inline == null) {
        o.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
      } else if (valued.contains(name)) {
        String v = inline;
        if (v == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("option " + name + " needs a value");
          }
          v = args[++i];
        }
        o.values.computeIfAbsent(name, k -> new ArrayList<>()).add(v);
      } else if (a.startsWith("-")) {
        throw new UsageException("unknown option " + name);
      } else {
        throw new UsageException("unexpected argument '" + a + "'");
      }
    }
    return o;
  }

  public boolean has(String name) {
    return values.containsKey(name);
  }

  public boolean flag(String name) {
    return has(name);
  }

  /** All values of a repeatable option, in order. */
  public List<String> all(String name) {
    return values.getOrDefault(name, List.of());
  }

  /** The single value of an option, or null when absent; given twice is an error. */
  public String string(String name) {
    List<String> v = values.get(name);
    if (v == null) {
      return null;
    }
    if (v.size() > 1) {
      throw new UsageException("option " + name + " given more than once");
    }
    return v.get(0);
  }

  public String required(String name) {
    String v = string(name);
    if (v == null) {
      throw new UsageException("option " + name + " is required");
    }
    return v;
  }

  public Path path(String name) {
    String v = string(name);
    return v == null ? null : Path.of(v);
  }

  /** An optional option's value, or {@code fallback} when it was not given. */
  static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  public Integer integer(String name, int min) {
    return integer(name, min, Integer.MAX_VALUE);
  }

  /** An integer in {@code [min, max]}, or null when absent; the error names the limit. */
  public Integer integer(String name, int min, int max) {
    String v = string(name);
    if (v == null) {
      return null;
    }
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      if (v.trim().matches("[+-]?\\d+")) { // past even a long
        n = v.trim().startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
      } else {
        throw new UsageException("option " + name + " expects an integer, got '" + v + "'");
      }
    }
    if (n < min) {
      throw new UsageException("option " + name + " must be >= " + min + ", got " + v);
    }
    if (n > max) {
      throw new UsageException("option " + name + " is too large: at most " + max + ", got " + v.trim());
    }
    return (int) n;
  }

  public Long longValue(String name) {
    String v = string(name);
    if (v == null) {
      return null;
    }
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new UsageException("option " + name + " expects an integer, got '" + v + "'");
    }
  }

  public Double decimal(String name) {
    String v = string(name);
    if (v == null) {
      return null;
    }
    // Plain decimal notation only: Java's parser would also take 1.5f or 0x1p3.
    if (!v.trim().matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
      throw new UsageException("option " + name + " expects a finite decimal number, got '" + v + "'");
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!Double.isFinite(d)) {
        throw new UsageException("option " + name + " expects a finite number, got '" + v + "'");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new UsageException("option " + name + " expects a number, got '" + v + "'");
    }
  }

  /**
   * A text option's value, refused when it holds U+FFFD: Java decodes the command line in the
   * locale's encoding, and under {@code LC_ALL=C} every non-ASCII character arrives as U+FFFD.
   *
   * @param fix what else to do, ending with "or " (e.g. "use --prompt-file FILE or "), or empty
   */
  public String text(String name, String fix) {
    checkText(name, fix);
    return string(name);
  }

  /** Refuses U+FFFD in any value of {@code name} (see {@link #text}); for repeatable options. */
  public void checkText(String name, String fix) {
    for (String v : all(name)) {
      if (v.indexOf('\uFFFD') >= 0) {
        throw new UsageException(name + " contains U+FFFD, the replacement character: Java decoded the"
            + " command line in your locale's encoding (" + locale() + "), which cannot hold the"
            + " characters given; " + fix + "set LC_ALL=C.UTF-8");
      }
    }
  }

  /** The locale variable in force and the encoding Java took from it. */
  static String locale() {
    String encoding = System.getProperty("sun.jnu.encoding", "unknown");
    for (String variable : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
      String value = System.getenv(variable);
      if (value != null && !value.isEmpty()) {
        return variable + "=" + value + ", " + encoding;
      }
    }
    return "no LC_ALL, LC_CTYPE or LANG set, " + encoding;
  }

  /**
   * {@code --model DIR|OWNER/NAME}: a checkpoint directory, a Hugging Face cache folder, or a hub
   * repository id found in the local Hugging Face cache (nothing is downloaded).
   */
  public static Path model(Options o) {
    return HubCache.resolve(o.required("--model"));
  }

  /**
   * {@code --dtype f32|f16|bf16|q8_0|auto} as a weight type; null (the checkpoint's own type) when
   * absent or {@code auto}.
   */
  public static WeightType weightType(Options o) {
    String v = o.string("--dtype");
    if (v == null || v.equals("auto")) {
      return null;
    }
    try {
      return WeightType.parse(v);
    } catch (IllegalArgumentException e) {
      throw new UsageException("option --dtype must be one of " + WeightType.names() + " or auto, got '" + v + "'");
    }
  }

  /** {@code --no-mmap}: read the weights into memory instead of mapping the files. */
  public static LoadOptions loadOptions(Options o) {
    return LoadOptions.DEFAULT.withMmap(!o.flag("--no-mmap"));
  }

  /** A comma-separated list of non-negative token ids, e.g. {@code 1,2,3}. */
  public int[] ids(String name) {
    String v = string(name);
    if (v == null) {
      return null;
    }
    String[] parts = v.split(",", -1);
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        ids[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new UsageException(
            "option " + name + " expects comma-separated token ids like 1,2,3, got '" + v + "'");
      }
      if (ids[i] < 0) {
        throw new UsageException("option " + name + ": token id " + ids[i] + " is negative");
      }
    }
    return ids;
  }
}
