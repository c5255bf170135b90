package dev.alibi4j.tokenizer;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Token strings and ids of a {@code tokenizer.json}: the model's vocabulary plus the added tokens.
 * Read here because DJL's binding offers neither a vocabulary size nor a token-to-id lookup.
 */
final class Vocabulary {

  private final Map<String, Integer> idsByToken;
  private final BitSet ids;
  private final String[] tokensById; // the spelling in the file; for an id twice, the winning one
  private final BitSet added;

  private Vocabulary(Map<String, Integer> idsByToken, BitSet added) {
    this.idsByToken = Map.copyOf(idsByToken);
    this.ids = new BitSet();
    idsByToken.values().forEach(ids::set);
    this.tokensById = new String[ids.length()];
    idsByToken.forEach((token, id) -> {
      // Two spellings of one id (rare): keep the added token's, else the first in sort order.
      if (tokensById[id] == null || (!added.get(id) && token.compareTo(tokensById[id]) < 0)) {
        tokensById[id] = token;
      }
    });
    this.added = added;
  }

  /**
   * Parses the vocabulary out of a tokenizer.json document.
   *
   * @throws IllegalArgumentException (or Gson's {@code JsonParseException}) when the document has
   *     no usable vocabulary; the message says what is missing
   */
  static Vocabulary parse(String json) {
    JsonElement root = JsonParser.parseString(json);
    if (!root.isJsonObject()) {
      throw new IllegalArgumentException("the top level is not a JSON object");
    }
    return parse(root.getAsJsonObject());
  }

  /** As {@link #parse(String)}, from the parsed document. */
  static Vocabulary parse(JsonObject root) {
    JsonElement model = root.get("model");
    if (model == null || !model.isJsonObject()) {
      throw new IllegalArgumentException("no \"model\" object");
    }
    Map<String, Integer> idsByToken = new HashMap<>();
    readModelVocab(model.getAsJsonObject().get("vocab"), idsByToken);
    // Added tokens win over model tokens of the same text, as in Hugging Face's token_to_id.
    JsonElement added = root.get("added_tokens");
    BitSet addedIds = new BitSet();
    if (added != null && added.isJsonArray()) {
      for (JsonElement token : added.getAsJsonArray()) {
        JsonObject object = token.isJsonObject() ? token.getAsJsonObject() : new JsonObject();
        if (!object.has("content") || !object.has("id")) {
          throw new IllegalArgumentException("an added token lacks \"content\" or \"id\"");
        }
        int id = id(object.get("id"));
        idsByToken.put(object.get("content").getAsString(), id);
        addedIds.set(id);
      }
    }
    return new Vocabulary(idsByToken, addedIds);
  }

  private static void readModelVocab(JsonElement vocab, Map<String, Integer> out) {
    if (vocab != null && vocab.isJsonObject()) { // BPE, WordPiece, WordLevel: {"token": id}
      for (Map.Entry<String, JsonElement> entry : vocab.getAsJsonObject().entrySet()) {
        out.put(entry.getKey(), id(entry.getValue()));
      }
    } else if (vocab != null && vocab.isJsonArray()) { // Unigram: [["piece", score]], id = index
      JsonArray pieces = vocab.getAsJsonArray();
      for (int i = 0; i < pieces.size(); i++) {
        out.put(pieces.get(i).getAsJsonArray().get(0).getAsString(), i);
      }
    } else {
      throw new IllegalArgumentException("no \"model.vocab\" object or array");
    }
  }

  private static int id(JsonElement element) {
    int id = element.getAsInt();
    if (id < 0) {
      throw new IllegalArgumentException("negative token id " + id);
    }
    return id;
  }

  /** Distinct tokens, added tokens included (Hugging Face's {@code len(tokenizer)}). */
  int size() {
    return idsByToken.size();
  }

  boolean contains(int id) {
    return id >= 0 && ids.get(id);
  }

  /** The token's spelling in the file (for byte-level BPE, GPT-2's byte symbols); id present. */
  String token(int id) {
    return tokensById[id];
  }

  /** Whether the id is an added token (its text is its spelling, not model symbols). */
  boolean isAdded(int id) {
    return added.get(id);
  }

  OptionalInt id(String token) {
    Integer id = idsByToken.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }
}
