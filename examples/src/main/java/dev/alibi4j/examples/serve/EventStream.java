package dev.alibi4j.examples.serve;

import io.helidon.http.HeaderNames;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import io.helidon.webserver.http.ServerResponse;

/**
 * A server-sent event stream framed exactly as OpenAI's: {@code "data: JSON\n\n"} per event, each
 * flushed at once. (Helidon's SseSink writes {@code "data:JSON"}, without the space, which is valid
 * SSE but not what some OpenAI client parsers expect.) A failed write means the client went away.
 */
final class EventStream implements AutoCloseable {

  private final OutputStream out;

  EventStream(ServerResponse res) {
    res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
    res.header(HeaderNames.CACHE_CONTROL, "no-cache");
    this.out = res.outputStream();
  }

  void emit(String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
