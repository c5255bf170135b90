package dev.alibi4j.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The raw bytes a single token stands for: what OpenAI's logprobs report as {@code bytes}, so a
 * client can join the tokens of a character split across several. Byte-level BPE spells bytes
 * with GPT-2's symbols; SentencePiece-style byte fallback spells them {@code <0xNN>}; for other
 * tokens the UTF-8 of the token's decoded text is all there is.
 */
final class TokenBytes {

  private static final Pattern BYTE_FALLBACK = Pattern.compile("<0x([0-9A-Fa-f]{2})>");

  private final Vocabulary vocabulary;
  private final boolean byteLevel;
  private final boolean byteFallback;
  private final int[] bytesBySymbol; // GPT-2 symbol char → byte, -1 where none

  private TokenBytes(Vocabulary vocabulary, boolean byteLevel, boolean byteFallback) {
    this.vocabulary = vocabulary;
    this.byteLevel = byteLevel;
    this.byteFallback = byteFallback;
    this.bytesBySymbol = new int[512];
    Arrays.fill(bytesBySymbol, -1);
    char[] symbols = ByteLevelTokenizerJson.byteSymbols();
    for (int b = 0; b < 256; b++) {
      bytesBySymbol[symbols[b]] = b;
    }
  }

  /** Reads the decoder and the model's {@code byte_fallback} of a {@code tokenizer.json}. */
  static TokenBytes of(JsonObject root, Vocabulary vocabulary) {
    JsonElement model = root.get("model");
    boolean fallback = model instanceof JsonObject m && m.get("byte_fallback") instanceof JsonElement b
        && b.isJsonPrimitive() && b.getAsJsonPrimitive().isBoolean() && b.getAsBoolean();
    JsonElement decoder = root.get("decoder");
    return new TokenBytes(vocabulary, hasDecoder(decoder, "ByteLevel"), fallback || hasDecoder(decoder, "ByteFallback"));
  }

  /** Whether the decoder is of this type, or a Sequence holding one. */
  private static boolean hasDecoder(JsonElement decoder, String wanted) {
    if (!(decoder instanceof JsonObject d) || !(d.get("type") instanceof JsonElement type) || !type.isJsonPrimitive()) {
      return false;
    }
    if (wanted.equals(type.getAsString())) {
      return true;
    }
    if ("Sequence".equals(type.getAsString()) && d.get("decoders") instanceof com.google.gson.JsonArray list) {
      for (JsonElement e : list) {
        if (hasDecoder(e, wanted)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * @param id in the vocabulary
   * @param decoded the token's decoded text, asked for only when the spelling does not give bytes
   */
  byte[] bytes(int id, IntFunction<String> decoded) {
    String token = vocabulary.token(id);
    if (vocabulary.isAdded(id)) {
      return token.getBytes(StandardCharsets.UTF_8);
    }
    if (byteLevel) {
      byte[] bytes = symbolBytes(token);
      if (bytes != null) {
        return bytes;
      }
    }
    if (byteFallback) {
      Matcher m = BYTE_FALLBACK.matcher(token);
      if (m.matches()) {
        return new byte[] {(byte) Integer.parseInt(m.group(1), 16)};
      }
    }
    return decoded.apply(id).getBytes(StandardCharsets.UTF_8);
  }

  /** The bytes of a GPT-2-symbol spelling, or null when a char is not one of the 256 symbols. */
  private byte[] symbolBytes(String token) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      int b = c < bytesBySymbol.length ? bytesBySymbol[c] : -1;
      if (b < 0) {
        return null;
      }
      out.write(b);
    }
    return out.toByteArray();
  }
}
