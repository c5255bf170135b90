package dev.alibi4j.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a {@code tokenizer.json}; every failure becomes an {@link IOException} naming the file. */
final class TokenizerFile {

  private TokenizerFile() {}

  /** The file's text, checked to be non-empty UTF-8. */
  static String read(Path path) throws IOException {
    String name = path.toString();
    if (!Files.exists(path)) {
      throw new NoSuchFileException(name, null, "no such file");
    }
    if (!Files.isRegularFile(path)) {
      throw new FileSystemException(name, null, "not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw new AccessDeniedException(name, null, "not readable");
    }
    byte[] bytes = Files.readAllBytes(path);
    String text;
    try {
      // Strict decoding: a damaged file should fail here, not load with U+FFFD in its vocabulary.
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw invalid(path, "not UTF-8 text", e);
    }
    if (text.isBlank()) {
      throw invalid(path, "empty file", null);
    }
    return text;
  }

  /** An error about the content of {@code path}: {@code "<path>: <what>"}. */
  static IOException invalid(Path path, String what, Throwable cause) {
    return new IOException(path + ": " + what, cause);
  }
}
