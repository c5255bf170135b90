package dev.alibi4j.tokenizer;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A byte-level {@code tokenizer.json}: one token per byte (id = byte value, 0–255) and an
 * end-of-text token (id 256). No merges and no normalizer, so any text round-trips exactly and a
 * model trained on it needs no tokenizer training. Symbols use GPT-2's byte-to-unicode table,
 * which Hugging Face's ByteLevel pre-tokenizer and decoder expect.
 */
public final class ByteLevelTokenizerJson {

  /** Vocabulary size: 256 bytes and the end-of-text token. */
  public static final int VOCAB_SIZE = 257;

  /** Id of {@value #END_OF_TEXT}. */
  public static final int END_OF_TEXT_ID = 256;

  /** The end-of-text token. */
  public static final String END_OF_TEXT = "<|endoftext|>";

  private ByteLevelTokenizerJson() {}

  /** Writes the tokenizer to {@code file}. */
  public static void write(Path file) throws IOException {
    Files.writeString(file, json(), StandardCharsets.UTF_8);
  }

  /** The tokenizer as JSON text. */
  public static String json() {
    char[] symbols = byteSymbols();
    JsonObject vocab = new JsonObject();
    for (int b = 0; b < 256; b++) {
      vocab.addProperty(String.valueOf(symbols[b]), b);
    }
    JsonObject model = new JsonObject();
    model.addProperty("type", "BPE");
    model.add("dropout", JsonNull.INSTANCE);
    model.add("unk_token", JsonNull.INSTANCE);
    model.add("continuing_subword_prefix", JsonNull.INSTANCE);
    model.add("end_of_word_suffix", JsonNull.INSTANCE);
    model.addProperty("fuse_unk", false);
    model.addProperty("byte_fallback", false);
    model.add("vocab", vocab);
    model.add("merges", new JsonArray());

    JsonObject eos = new JsonObject();
    eos.addProperty("id", END_OF_TEXT_ID);
    eos.addProperty("content", END_OF_TEXT);
    eos.addProperty("single_word", false);
    eos.addProperty("lstrip", false);
    eos.addProperty("rstrip", false);
    eos.addProperty("normalized", false);
    eos.addProperty("special", true);
    JsonArray added = new JsonArray();
    added.add(eos);

    JsonObject byteLevel = new JsonObject();
    byteLevel.addProperty("type", "ByteLevel");
    byteLevel.addProperty("add_prefix_space", false);
    byteLevel.addProperty("trim_offsets", false);
    byteLevel.addProperty("use_regex", false);

    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", JsonNull.INSTANCE);
    root.add("padding", JsonNull.INSTANCE);
    root.add("added_tokens", added);
    root.add("normalizer", JsonNull.INSTANCE);
    root.add("pre_tokenizer", byteLevel);
    root.add("post_processor", JsonNull.INSTANCE);
    root.add("decoder", byteLevel.deepCopy());
    root.add("model", model);
    return new GsonBuilder().serializeNulls().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
  }

  /**
   * GPT-2's {@code bytes_to_unicode}, the symbol byte-level BPE spells each byte with: printable
   * bytes map to themselves, the others to 256 + n. A fresh array, indexed by byte value.
   */
  public static char[] byteSymbols() {
    char[] symbols = new char[256];
    boolean[] printable = new boolean[256];
    for (int b = '!'; b <= '~'; b++) {
      printable[b] = true;
    }
    for (int b = 0xA1; b <= 0xAC; b++) {
      printable[b] = true;
    }
    for (int b = 0xAE; b <= 0xFF; b++) {
      printable[b] = true;
    }
    int n = 0;
    for (int b = 0; b < 256; b++) {
      symbols[b] = printable[b] ? (char) b : (char) (256 + n++);
    }
    return symbols;
  }
}
