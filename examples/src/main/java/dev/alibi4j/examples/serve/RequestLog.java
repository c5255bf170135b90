package dev.alibi4j.examples.serve;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The one stderr line each request leaves: method, path, status, tokens and time. Never the
 * prompt or the answer: they may be private.
 */
final class RequestLog {

  private final String method;
  private final String path;
  private final long start = System.nanoTime();
  volatile int status = 200;
  volatile int promptTokens = -1;
  volatile int completionTokens = -1;
  volatile java.time.Duration prefill; // null until a generation reports it

  RequestLog(String method, String path) {
    this.method = method;
    this.path = path;
  }

  void tokens(int prompt, int completion) {
    promptTokens = prompt;
    completionTokens = completion;
  }

  /** Time since the request came in. */
  java.time.Duration elapsed() {
    return java.time.Duration.ofNanos(System.nanoTime() - start);
  }

  void write(PrintStream err) {
    String tokens = promptTokens < 0 ? "" : " prompt_tokens=" + promptTokens + " completion_tokens=" + completionTokens;
    err.println(String.format(Locale.ROOT, "serve: %s %s %d%s %.1f ms",
        method, path, status, tokens, (System.nanoTime() - start) / 1e6));
  }
}
