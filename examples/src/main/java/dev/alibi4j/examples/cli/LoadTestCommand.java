package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.bench.HttpLoad;
import java.io.PrintStream;
import java.util.Set;

/** {@code loadtest}: a bounded load on a running OpenAI-compatible server, measured. */
final class LoadTestCommand implements Command {

  @Override
  public String name() {
    return "loadtest";
  }

  @Override
  public String summary() {
    return "send a bounded load to a running server and report throughput, latency and its memory";
  }

  @Override
  public String usage() {
    return """
        usage: java -jar alibi4j.jar loadtest [--url URL] [options]
          --url URL            the server's root (default http://127.0.0.1:8080); any
                               OpenAI-compatible /v1/completions (llama.cpp's, vLLM's) will do
          --requests N         requests in all (default 500)
          --clients N          clients sending at once, each its next request when answered
                               (default 32)
          --min-tokens N       max_tokens of the requests spread from N ... (default 8)
          --max-tokens N       ... to N (default 32); all greedy, prompts fixed by request number
          --stream             stream the answers and also report the time to first token
          --server-pid PID     read the server's resident memory (Linux) after the warm-up
                               and at the end
          --warmup N           requests before the first memory reading (default 100)
          --api-key KEY        sent as 'Authorization: Bearer KEY'
          --json               one JSON object instead of the report
        """;
  }

  @Override
  public int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    Options o = Options.parse(args,
        Set.of("--url", "--requests", "--clients", "--min-tokens", "--max-tokens", "--server-pid", "--warmup",
            "--api-key"),
        Set.of("--stream", "--json"));
    String url = o.has("--url") ? o.string("--url") : "http://127.0.0.1:8080";
    if (!url.matches("https?://[^\\s/]+(/.*)?")) {
      throw new UsageException("option --url expects http://HOST:PORT, got '" + url + "'");
    }
    int requests = Options.orDefault(o.integer("--requests", 1, 10_000_000), 500);
    int clients = Options.orDefault(o.integer("--clients", 1, 10_000), 32);
    int minTokens = Options.orDefault(o.integer("--min-tokens", 1), 8);
    int maxTokens = Options.orDefault(o.integer("--max-tokens", 1), Math.max(32, minTokens));
    if (maxTokens < minTokens) {
      throw new UsageException("option --max-tokens (" + maxTokens + ") must be >= --min-tokens (" + minTokens + ")");
    }
    int warmup = Options.orDefault(o.integer("--warmup", 0), Math.min(100, requests / 5));
    if (warmup > requests) {
      throw new UsageException("option --warmup (" + warmup + ") must be <= --requests (" + requests + ")");
    }
    Long pid = o.longValue("--server-pid");
    if (pid != null && (pid < 1 || !java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc", pid.toString(), "status")))) {
      throw new UsageException("option --server-pid: no process " + pid + " to read (/proc/" + pid + "/status)");
    }
    HttpLoad load = new HttpLoad(new HttpLoad.Config(url, requests, clients, minTokens, maxTokens, o.flag("--stream"),
        warmup, pid == null ? 0 : pid, o.string("--api-key")));
    try {
      load.checkReachable();
    } catch (java.io.IOException e) {
      err.println("error: " + e.getMessage());
      return Main.FAILED;
    }
    HttpLoad.Result r = load.run();
    out.print(o.flag("--json") ? r.toJson() + System.lineSeparator() : r.report());
    return r.ok() == requests ? Main.OK : Main.FAILED;
  }
}
