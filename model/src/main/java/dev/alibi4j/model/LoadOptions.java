package dev.alibi4j.model;

import dev.alibi4j.engine.generation.BatchScheduler;

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
 * @param batching how {@link AlibiLM}'s concurrent generations are batched: sequences at once,
 *     queue length, KV budget, prefill chunk ({@link BatchScheduler.Limits#DEFAULT})
 */
public record LoadOptions(boolean mmap, BatchScheduler.Limits batching) {

  /** Weights mapped where they can be; the default batching limits. */
  public static final LoadOptions DEFAULT = new LoadOptions(true, BatchScheduler.Limits.DEFAULT);

  public LoadOptions {
    java.util.Objects.requireNonNull(batching, "batching limits");
  }

  /** These options with {@link #mmap()} set to {@code mmap}. */
  public LoadOptions withMmap(boolean mmap) {
    return new LoadOptions(mmap, batching);
  }

  /** These options with {@link #batching()} set to {@code limits}. */
  public LoadOptions withBatching(BatchScheduler.Limits limits) {
    return new LoadOptions(mmap, limits);
  }
}
