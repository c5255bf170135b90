package dev.alibi4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A Hugging Face {@code tokenizer.json} (normalizer, pre-tokenizer, model, post-processor, decoder)
 * run by the Rust {@code tokenizers} library through DJL, fully offline.
 *
 * <p>Ids and text are those of Hugging Face's {@code tokenizers}: {@code encode} matches {@code
 * tokenizer(text)["input_ids"]}, {@code decode} matches {@code tokenizer.decode(ids)}. Nothing is
 * truncated or padded, whatever the length. Holds native memory: close it.
 */
public final class Tokenizer implements AutoCloseable {

  // DJL defaults to truncating at 512 tokens and padding; turn both off. Special tokens are
  // chosen per call, so the default here does not matter.
  private static final Map<String, String> OPTIONS =
      Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");

  private final Path source;
  private final HuggingFaceTokenizer tokenizer;
  private final Vocabulary vocabulary;
  private final TokenBytes tokenBytes;
  private volatile boolean closed;

  private Tokenizer(Path source, HuggingFaceTokenizer tokenizer, Vocabulary vocabulary, TokenBytes tokenBytes) {
    this.source = source;
    this.tokenizer = tokenizer;
    this.vocabulary = vocabulary;
    this.tokenBytes = tokenBytes;
  }

  /**
   * Loads a {@code tokenizer.json}.
   *
   * <p>Only this file is read: a {@code tokenizer_config.json} beside it is ignored, so its
   * settings (for example {@code clean_up_tokenization_spaces}) do not change the results.
   *
   * @param tokenizerJson path of the {@code tokenizer.json} file
   * @return the tokenizer; close it when done
   * @throws IOException when the file is missing, not a regular file, unreadable, or not a valid
   *     tokenizer; the message starts with the path
   */
  public static Tokenizer load(Path tokenizerJson) throws IOException {
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    String json = TokenizerFile.read(tokenizerJson);
    HuggingFaceTokenizer tokenizer = create(tokenizerJson, json);
    try {
      com.google.gson.JsonElement root = com.google.gson.JsonParser.parseString(json);
      if (!root.isJsonObject()) {
        throw new IllegalArgumentException("the top level is not a JSON object");
      }
      Vocabulary vocabulary = Vocabulary.parse(root.getAsJsonObject());
      return new Tokenizer(tokenizerJson, tokenizer, vocabulary, TokenBytes.of(root.getAsJsonObject(), vocabulary));
    } catch (RuntimeException e) {
      tokenizer.close();
      throw TokenizerFile.invalid(tokenizerJson, "no usable vocabulary: " + reason(e), e);
    }
  }

  private static HuggingFaceTokenizer create(Path path, String json) throws IOException {
    // From a stream, not a path: DJL would otherwise also apply a tokenizer_config.json nearby.
    try (var in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
      return HuggingFaceTokenizer.newInstance(in, OPTIONS);
    } catch (RuntimeException e) {
      throw TokenizerFile.invalid(path, "not a valid tokenizer.json: " + reason(e), e);
    } catch (LinkageError e) {
      throw TokenizerFile.invalid(path, "cannot load DJL's tokenizers native library: " + e, e);
    }
  }

  private static String reason(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  /**
   * Token ids of {@code text}, special tokens added as the post-processor says (Hugging Face's
   * default {@code add_special_tokens=True}).
   */
  public int[] encode(String text) {
    return encode(text, true);
  }

  /**
   * Token ids of {@code text}.
   *
   * @param addSpecialTokens whether the post-processor adds its special tokens (BOS, EOS, …)
   */
  public int[] encode(String text, boolean addSpecialTokens) {
    Objects.requireNonNull(text, "text");
    long[] ids = open().encode(text, addSpecialTokens, false).getIds();
    int[] result = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      result[i] = (int) ids[i];
    }
    return result;
  }

  /** Text of {@code ids}, special tokens included (Hugging Face's {@code decode(ids)}). */
  public String decode(int[] ids) {
    return decode(ids, false);
  }

  /**
   * Text of {@code ids}.
   *
   * @param skipSpecialTokens whether special tokens (such as {@code <|endoftext|>}) are left out
   * @throws IllegalArgumentException if an id is not in the vocabulary
   */
  public String decode(int[] ids, boolean skipSpecialTokens) {
    Objects.requireNonNull(ids, "ids");
    for (int id : ids) {
      checkId(id);
    }
    return decode(ids, 0, ids.length, skipSpecialTokens);
  }

  /**
   * The text of one token alone, as {@code tokenizer.decode([id])}: a token holding part of a
   * character's UTF-8 bytes shows U+FFFD (see {@link #tokenBytes(int)}).
   *
   * @throws IllegalArgumentException if the id is not in the vocabulary
   */
  public String tokenText(int id) {
    return decode(new int[] {id}, false);
  }

  /**
   * The bytes one token stands for: for byte-level BPE and byte-fallback vocabularies the raw
   * bytes (part of a character, possibly); otherwise the UTF-8 of {@link #tokenText(int)}. The
   * bytes of consecutive tokens join into the UTF-8 of their text.
   *
   * @throws IllegalArgumentException if the id is not in the vocabulary
   */
  public byte[] tokenBytes(int id) {
    checkId(id);
    return tokenBytes.bytes(id, this::tokenText);
  }

  /** Tokens in the vocabulary, added tokens included (Hugging Face's {@code len(tokenizer)}). */
  public int vocabSize() {
    return vocabulary.size();
  }

  /**
   * Id of a token given as it is spelled in the vocabulary, e.g. {@code "<|endoftext|>"}, or a
   * byte-level BPE token such as {@code "Ġworld"}.
   */
  public OptionalInt tokenId(String token) {
    return vocabulary.id(Objects.requireNonNull(token, "token"));
  }

  /** Releases the native tokenizer; later calls throw {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
    tokenizer.close();
  }

  @Override
  public String toString() {
    return "Tokenizer[" + source + "]";
  }

  /** Rejects an id the vocabulary lacks (the native decoder would silently skip it). */
  void checkId(int id) {
    if (!vocabulary.contains(id)) {
      throw new IllegalArgumentException(
          "token id " + id + " is not in the vocabulary (vocab size " + vocabulary.size() + ")");
    }
  }

  /** Text of {@code ids[from, to)}, ids already checked. */
  String decode(int[] ids, int from, int to, boolean skipSpecialTokens) {
    long[] range = new long[to - from];
    for (int i = from; i < to; i++) {
      range[i - from] = ids[i];
    }
    return open().decode(range, skipSpecialTokens);
  }

  private HuggingFaceTokenizer open() {
    if (closed) {
      throw new IllegalStateException("tokenizer is closed: " + source);
    }
    return tokenizer;
  }
}
