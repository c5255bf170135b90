package dev.alibi4j.examples.serve;

/**
 * A failure the client is told about as OpenAI does: an HTTP status and {@code
 * {"error":{"message", "type", "param", "code"}}}. {@code param} names the request field at
 * fault, so that a client can fix it without reading the server's log.
 */
final class ApiError extends RuntimeException {

  final int status;
  final String type;
  final String param;

  ApiError(int status, String type, String param, String message) {
    super(message, null, false, false); // no stack trace: it is an answer, not a bug
    this.status = status;
    this.type = type;
    this.param = param;
  }

  /** 400: the request is malformed or a field holds a bad value. */
  static ApiError badRequest(String param, String message) {
    return new ApiError(400, "invalid_request_error", param, message);
  }

  static ApiError notFound(String param, String message) {
    return new ApiError(404, "invalid_request_error", param, message);
  }
}
