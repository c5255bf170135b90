package dev.alibi4j.examples.serve;

import com.google.gson.JsonObject;
import dev.alibi4j.engine.generation.Cancellation;
import dev.alibi4j.engine.generation.FinishReason;
import dev.alibi4j.engine.generation.GenerationResult;
import dev.alibi4j.model.AlibiLM;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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
 * slow client never holds up the other requests in the batch. The {@link DisconnectWatcher}
 * cancels the generation of a client that closes its connection, streaming or not.
 */
final class CompletionsEndpoint {

  /** Marks the end of a stream's pieces in the queue. */
  private static final TokenTrail.Piece END = new TokenTrail.Piece("", List.of());

  private final ModelSlot slot;
  private final String modelId;
  private final Kind kind;
  private final DisconnectWatcher watcher;

  CompletionsEndpoint(ModelSlot slot, String modelId, Kind kind, DisconnectWatcher watcher) {
    this.slot = slot;
    this.modelId = modelId;
    this.kind = kind;
    this.watcher = watcher;
  }

  void handle(ServerRequest req, ServerResponse res, RequestLog log) throws Exception {
    AlibiLM lm = slot.get();
    CompletionRequest request = CompletionRequest.parse(req.content().as(String.class), kind,
        messages -> lm.chatTemplate().render(messages, true));
    if (request.model() != null && !request.model().equals(modelId)) {
      throw ApiError.notFound("model", "the model '" + request.model() + "' does not exist; this server has '" + modelId + "'");
    }
    int[] promptIds = encode(lm, request.prompt());
    Responses responses = new Responses(kind, kind.idPrefix + UUID.randomUUID().toString().replace("-", ""),
        System.currentTimeMillis() / 1000, modelId);
    LogprobsJson logprobs = request.params().wantsLogprobs() ? new LogprobsJson(lm.tokenizer().orElseThrow()) : null;
    Cancellation cancellation = new Cancellation();
    try (DisconnectWatcher.Watch watch = watcher.watch(req.localPeer().address(), req.remotePeer().address(),
        cancellation::cancel)) {
      if (request.stream()) {
        stream(lm, request, promptIds, responses, logprobs, cancellation, res, log);
      } else {
        TokenTrail trail = new TokenTrail(null);
        GenerationResult r = await(submit(lm, request, promptIds, trail, cancellation));
        log.tokens(r.promptTokens(), r.generatedTokens());
        log.prefill = java.time.Duration.ofNanos(r.prefillNanos());
        if (r.finishReason() == FinishReason.CANCELLED && cancellation.isCancelled()) {
          clientGone(log); // the watcher cancelled it (closing the model cancels without it)
        }
        Endpoints.sendJson(res, 200, responses.complete(r, logprobs == null ? null : json(logprobs, trail.entries())));
      }
    } finally {
      cancellation.cancel(); // a no-op once finished; ends the generation on any other way out
    }
  }

  private void stream(AlibiLM lm, CompletionRequest request, int[] promptIds, Responses responses,
      LogprobsJson logprobs, Cancellation cancellation, ServerResponse res, RequestLog log) {
    BlockingQueue<TokenTrail.Piece> pieces = new LinkedBlockingQueue<>();
    TokenTrail trail = new TokenTrail(pieces::add);
    // Submitted before the response starts: a full queue or a long prompt is still a plain error.
    CompletableFuture<GenerationResult> future = submit(lm, request, promptIds, trail, cancellation);
    future.whenComplete((r, e) -> pieces.add(END));
    try (EventStream sink = new EventStream(res)) {
      boolean first = true;
      for (TokenTrail.Piece piece = take(pieces); piece != END; piece = take(pieces)) {
        sink.emit(responses.delta(piece.text(), first, logprobs == null ? null : json(logprobs, piece.entries())));
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
      if (r.finishReason() == FinishReason.CANCELLED && cancellation.isCancelled()) {
        clientGone(log);
      }
      if (first && kind == Kind.CHAT) {
        sink.emit(responses.delta("", true, null)); // the role, even for an empty answer
      }
      List<TokenTrail.Entry> unsent = trail.unsent();
      sink.emit(responses.finish(r, logprobs == null || unsent.isEmpty() ? null : json(logprobs, unsent)));
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
    }
  }

  /** The client closed its connection (the watcher cancelled): nobody to answer; drop it. */
  private static void clientGone(RequestLog log) {
    log.status = 499;
    throw new CloseConnectionException("the client closed the connection during generation");
  }

  private JsonObject json(LogprobsJson logprobs, List<TokenTrail.Entry> entries) {
    return kind == Kind.CHAT ? logprobs.chat(entries) : logprobs.completions(entries);
  }

  private CompletableFuture<GenerationResult> submit(AlibiLM lm,
      CompletionRequest request, int[] promptIds, TokenTrail trail, Cancellation cancellation) {
    try {
      return lm.generateAsync(promptIds, request.params(), trail, cancellation);
    } catch (RejectedExecutionException e) {
      throw new ApiError(429, "rate_limit_error", null, e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiError.badRequest(kind == Kind.CHAT ? "messages" : "prompt", e.getMessage());
    }
  }

  private int[] encode(AlibiLM lm, String prompt) {
    if (lm.tokenizer().isEmpty()) {
      throw new ApiError(500, "server_error", null, "the model has no tokenizer.json: text prompts cannot be encoded");
    }
    int[] ids = lm.encode(prompt);
    if (ids.length == 0) {
      throw ApiError.badRequest(kind == Kind.CHAT ? "messages" : "prompt", "the prompt is empty");
    }
    return ids;
  }

  private static TokenTrail.Piece take(BlockingQueue<TokenTrail.Piece> pieces) {
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
