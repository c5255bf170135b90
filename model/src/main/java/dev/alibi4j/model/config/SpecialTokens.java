package dev.alibi4j.model.config;

import com.google.gson.JsonElement;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Special token ids from {@code config.json} and {@code generation_config.json}.
 *
 * @param bosTokenId beginning-of-sequence token, if any
 * @param eosTokenIds end-of-sequence tokens (generation stops at any of them); may be empty
 * @param padTokenId padding token, if any
 */
public record SpecialTokens(
    OptionalInt bosTokenId, List<Integer> eosTokenIds, OptionalInt padTokenId) {

  /** No special tokens. */
  public static final SpecialTokens NONE =
      new SpecialTokens(OptionalInt.empty(), List.of(), OptionalInt.empty());

  public SpecialTokens {
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /**
   * These tokens with every one that {@code json} sets replaced: {@code bos_token_id}, {@code
   * eos_token_id} (an integer or a list) and {@code pad_token_id}. A field set to null clears
   * the value; an absent field keeps it. Ids must not be negative.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file, the field and the value
   */
  public SpecialTokens overriddenBy(JsonConfig json) {
    return overriddenBy(json, Integer.MAX_VALUE);
  }

  /**
   * As {@link #overriddenBy(JsonConfig)}, each id also below {@code vocabSize}: an id the model
   * cannot produce (such as {@code eos_token_id: -1}) would otherwise never stop generation.
   *
   * @throws dev.alibi4j.model.CheckpointException naming the file, the field and the value
   */
  public SpecialTokens overriddenBy(JsonConfig json, int vocabSize) {
    OptionalInt bos = json.isSet("bos_token_id") ? optionalId(json, "bos_token_id", vocabSize) : bosTokenId;
    List<Integer> eos = json.isSet("eos_token_id") ? idList(json, "eos_token_id", vocabSize) : eosTokenIds;
    OptionalInt pad = json.isSet("pad_token_id") ? optionalId(json, "pad_token_id", vocabSize) : padTokenId;
    return new SpecialTokens(bos, eos, pad);
  }

  private static OptionalInt optionalId(JsonConfig json, String field, int vocabSize) {
    JsonElement value = json.raw(field);
    return value == null ? OptionalInt.empty() : OptionalInt.of(id(json, field, value, vocabSize));
  }

  private static List<Integer> idList(JsonConfig json, String field, int vocabSize) {
    JsonElement value = json.raw(field);
    if (value == null) {
      return List.of();
    }
    if (!value.isJsonArray()) {
      return List.of(id(json, field, value, vocabSize));
    }
    List<Integer> ids = new ArrayList<>();
    for (JsonElement e : value.getAsJsonArray()) {
      ids.add(id(json, field, e, vocabSize));
    }
    return ids;
  }

  private static int id(JsonConfig json, String field, JsonElement e, int vocabSize) {
    int id;
    try {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw new NumberFormatException();
      }
      id = e.getAsBigDecimal().intValueExact();
    } catch (ArithmeticException | NumberFormatException notAnInteger) {
      throw json.error("field '" + json.qualified(field) + "' must hold token ids (integers), got "
          + json.raw(field));
    }
    if (id < 0 || id >= vocabSize) {
      throw json.error("field '" + json.qualified(field) + "' = " + json.raw(field)
          + " is out of range: token id " + id + " is not in "
          + (vocabSize == Integer.MAX_VALUE ? "0 or more" : "0 to " + (vocabSize - 1) + " (vocab_size " + vocabSize + ")"));
    }
    return id;
  }
}
