package dev.alibi4j.examples.serve;

import dev.alibi4j.engine.generation.Cancellation;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * {@code POST /v1/completions} and {@code POST /v1/chat/completions}. The request's virtual
 * thread submits the generation to the model's batch scheduler and waits; when streaming, the
 * scheduler's listener only queues each piece of text and this thread writes the events, so a
 * slow client never holds up the other requests in the batch.
 */
final class CompletionsEndpoint {

  /** Marks the end of a stream's pieces in the queue. */
  private static final String END = new String("end");

  private final AlibiLM lm;
  private final String modelId;
  private final Kind kind;

  CompletionsEndpoint(AlibiLM lm, String modelId, Kind kind) {
    this.lm = lm;
    this.modelId = modelId;
    this.kind = kind;
  }

  void handle(ServerRequest req, ServerResponse res, RequestLog log) throws Exception {
    CompletionRequest request = CompletionRequest.parse(req.content().as(String.class), kind,
        messages -> lm.chatTemplate().render(messages, true));
    if (request.model() != null && !request.model().equals(modelId)) {
      throw ApiError.notFound("model", "the model '" + request.model() + "' does not exist; this server has '" + modelId + "'");
    }
    int[] promptIds = encode(request.prompt());
    Responses responses = new Responses(kind, kind.idPrefix + UUID.randomUUID().toString().replace("-", ""),
        System.currentTimeMillis() / 1000, modelId);
    if (request.stream()) {
      stream(request, promptIds, responses, res, log);
    } else {
      GenerationResult r = await(submit(request, promptIds, null, null));
      log.tokens(r.promptTokens(), r.generatedTokens());
      log.prefill = java.time.Duration.ofNanos(r.prefillNanos());
      Endpoints.sendJson(res, 200, responses.complete(r));
    }
  }

  private void stream(CompletionRequest request, int[] promptIds, Responses responses, ServerResponse res, RequestLog log) {
    BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    Cancellation cancellation = new Cancellation();
    // Submitted before the response starts: a full queue or a long prompt is still a plain error.
    CompletableFuture<GenerationResult> future = submit(request, promptIds, (id, text) -> {
      if (text != null && !text.isEmpty()) {
        pieces.add(text);
      }
    }, cancellation);
    future.whenComplete((r, e) -> pieces.add(END));
    try (EventStream sink = new EventStream(res)) {
      boolean first = true;
      for (String piece = take(pieces); piece != END; piece = take(pieces)) {
        sink.emit(responses.delta(piece, first));
        first = false;
      }
      GenerationResult r;
      try {
        r = await(future);
      } catch (ApiError e) {
        // The headers are sent: the failure can only be told as an event before the stream ends.
        log.status = e.status;
        sink.emit(Json.error(e));
        return;
      }
      log.tokens(r.promptTokens(), r.generatedTokens());
      log.prefill = java.time.Duration.ofNanos(r.prefillNanos());
      if (first && kind == Kind.CHAT) {
        sink.emit(responses.delta("", true)); // the role, even for an empty answer
      }
      sink.emit(responses.finish(r));
      if (request.includeUsage()) {
        sink.emit(responses.usageChunk(r));
      }
      sink.emit("[DONE]");
    } catch (IOException | UncheckedIOException e) {
      // Writing failed: the client went away. Stop generating for it.
      cancellation.cancel();
      log.status = 499;
    } catch (CloseConnectionException e) {
      // Helidon's way of saying the same; it must reach Helidon, which then drops the connection.
      cancellation.cancel();
      log.status = 499;
      throw e;
    } finally {
      cancellation.cancel(); // a no-op once finished; ends the generation on any other way out
    }
  }

  private CompletableFuture<GenerationResult> submit(
      CompletionRequest request, int[] promptIds, dev.alibi4j.engine.generation.TokenListener listener,
      Cancellation cancellation) {
    try {
      return lm.generateAsync(promptIds, request.params(), listener, cancellation);
    } catch (RejectedExecutionException e) {
      throw new ApiError(429, "rate_limit_error", null, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(kind == Kind.CHAT ? "messages" : "prompt", e.getMessage());
    }
  }

  private int[] encode(String prompt) {
    if (lm.tokenizer().isEmpty()) {
      throw new ApiError(500, "server_error", null, "the model has no tokenizer.json: text prompts cannot be encoded");
    }
    int[] ids = lm.encode(prompt);
    if (ids.length == 0) {
      throw ApiError.badRequest(kind == Kind.CHAT ? "messages" : "prompt", "the prompt is empty");
    }
    return ids;
  }

  private static String take(BlockingQueue<String> pieces) {
    try {
      return pieces.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while streaming", e);
    }
  }

  /** The result, or the model's failure as a 500 (its message logged, not sent). */
  private static GenerationResult await(CompletableFuture<GenerationResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ApiError(500, "server_error", null, "the server is shutting down");
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof RejectedExecutionException) {
        throw new ApiError(429, "rate_limit_error", null, cause.getMessage());
      }
      System.err.println("serve: generation failed: " + cause);
      throw new ApiError(500, "server_error", null, "the generation failed; see the server's log");
    }
  }
}
