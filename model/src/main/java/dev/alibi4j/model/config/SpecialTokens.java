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
   * the value; an absent field keeps it.
   */
  public SpecialTokens overriddenBy(JsonConfig json) {
    OptionalInt bos = json.isSet("bos_token_id") ? optionalId(json, "bos_token_id") : bosTokenId;
    List<Integer> eos = json.isSet("eos_token_id") ? idList(json, "eos_token_id") : eosTokenIds;
    OptionalInt pad = json.isSet("pad_token_id") ? optionalId(json, "pad_token_id") : padTokenId;
    return new SpecialTokens(bos, eos, pad);
  }

  private static OptionalInt optionalId(JsonConfig json, String field) {
    return json.has(field) ? OptionalInt.of(json.intOr(field, -1)) : OptionalInt.empty();
  }

  private static List<Integer> idList(JsonConfig json, String field) {
    JsonElement value = json.raw(field);
    if (value == null) {
      return List.of();
    }
    if (!value.isJsonArray()) {
      return List.of(json.intOr(field, -1));
    }
    List<Integer> ids = new ArrayList<>();
    for (JsonElement e : value.getAsJsonArray()) {
      if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
        throw json.error("field '" + json.qualified(field) + "' must hold integers, got " + value);
      }
      ids.add(e.getAsInt());
    }
    return ids;
  }
}
