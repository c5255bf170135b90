package dev.alibi4j.examples.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A UTF-8 PrintStream that remembers why a write failed. PrintStream only sets a flag, but the
 * CLI must tell a reader that went away ({@code | head}: a broken pipe, nothing wrong) from a
 * full disk (an error).
 */
final class CliPrintStream extends PrintStream {

  private final Recorder recorder;

  CliPrintStream(OutputStream out) {
    this(new Recorder(out));
  }

  private CliPrintStream(Recorder recorder) {
    super(recorder, true, StandardCharsets.UTF_8);
    this.recorder = recorder;
  }

  /** The first write failure, or null. */
  IOException failure() {
    return recorder.failure;
  }

  private static final class Recorder extends FilterOutputStream {
    private volatile IOException failure;

    Recorder(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw record(e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw record(e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw record(e);
      }
    }

    private IOException record(IOException e) {
      if (failure == null) {
        failure = e;
      }
      return e;
    }
  }
}
