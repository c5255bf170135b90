package dev.alibi4j.model;

/**
 * How a checkpoint is loaded, beyond the weights' type. Start from {@link #DEFAULT} and change
 * what you need ({@code LoadOptions.DEFAULT.withMmap(false)}), so that options added later keep
 * their defaults in your code.
 *
 * @param mmap true (default): matrices stored in the type they are held in are the file's own
 *     pages, mapped read-only: no copy, instant loading, memory shared with the page cache. But
 *     the model then depends on the file for its whole life: a file truncated while mapped kills
 *     the JVM (SIGBUS) at the next read of a vanished page, and one rewritten in place changes the
 *     running model. false: every weight is read into memory the model owns (llama.cpp's {@code
 *     --no-mmap}), and the files are closed once loading ends; later changes to them do not reach
 *     the model. Costs the weights' size in resident memory and a read of the files.
 */
public record LoadOptions(boolean mmap) {

  /** Weights mapped where they can be. */
  public static final LoadOptions DEFAULT = new LoadOptions(true);

  /** These options with {@link #mmap()} set to {@code mmap}. */
  public LoadOptions withMmap(boolean mmap) {
    return new LoadOptions(mmap);
  }
}
