package dev.alibi4j.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * Hand-made tokenizer.json files in the test resources, small enough to work out ids by hand.
 *
 * <p>{@code bytelevel}: GPT-2 style byte-level BPE. Ids 0-255 are the single bytes (id = byte
 * value), then merges 256 "he", 257 "ll", 258 "hell", 259 "hello", 260 "Ġw", 261 "or", 262 "Ġwor",
 * 263 "ld", 264 "Ġworld", 265 "aa", 266 "é" (bytes C3 A9); added special tokens 267 "&lt;s&gt;"
 * (which the post-processor puts first) and 268 "&lt;|endoftext|&gt;".
 *
 * <p>{@code metaspace}: word-level with a SentencePiece-style Metaspace decoder, which drops the
 * space before the first word: 0 "[UNK]", 1 "▁hello", 2 "▁world", 3 "▁foo".
 *
 * <p>{@code bytefallback}: Llama-style decoder (byte tokens, first space stripped) over a
 * word-level model: 0 "&lt;unk&gt;", 1 "▁hello", 2-5 the bytes E4, B8, AD, 80. A run of byte tokens
 * that is not UTF-8 decodes to one U+FFFD per byte.
 */
final class TinyTokenizers {

  static final int BOS = 267;
  static final int END_OF_TEXT = 268;
  static final int HELLO = 259;
  static final int SPACE_WORLD = 264;
  static final int AA = 265;
  static final int E_ACUTE = 266;
  static final int BYTE_LEVEL_VOCAB_SIZE = 269;

  private TinyTokenizers() {}

  static Tokenizer byteLevel() {
    return load("bytelevel");
  }

  static Tokenizer metaspace() {
    return load("metaspace");
  }

  static Tokenizer byteFallback() {
    return load("bytefallback");
  }

  static Path path(String name) {
    try {
      return Path.of(TinyTokenizers.class.getResource(name + "/tokenizer.json").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Tokenizer load(String name) {
    try {
      return Tokenizer.load(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
