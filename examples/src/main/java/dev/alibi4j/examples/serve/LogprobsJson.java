package dev.alibi4j.examples.serve;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.alibi4j.engine.generation.TokenLogprob;
import dev.alibi4j.tokenizer.Tokenizer;
import java.util.List;

/**
 * The {@code logprobs} object of a choice, in the two shapes OpenAI uses: the legacy
 * completions' parallel lists ({@code tokens}, {@code token_logprobs}, {@code top_logprobs} as
 * token → logprob maps, {@code text_offset}) and chat's {@code content} list of {@code {token,
 * logprob, bytes, top_logprobs}}. Tokens are shown as their text alone; {@code bytes} gives the
 * raw bytes of a token that holds part of a character.
 */
final class LogprobsJson {

  /** What a logprob of minus infinity is sent as: JSON has no infinity (vLLM sends the same). */
  static final double FLOOR = -9999.0;

  private final Tokenizer tokenizer;

  LogprobsJson(Tokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * {@code /v1/completions}: the top alternatives plus the chosen token when it is not among them,
   * as OpenAI's legacy API and vLLM.
   */
  JsonObject completions(List<TokenTrail.Entry> entries) {
    JsonArray tokens = new JsonArray();
    JsonArray tokenLogprobs = new JsonArray();
    JsonArray topLogprobs = new JsonArray();
    JsonArray textOffsets = new JsonArray();
    for (TokenTrail.Entry entry : entries) {
      TokenLogprob lp = entry.logprob();
      String chosen = tokenizer.tokenText(lp.tokenId());
      tokens.add(chosen);
      tokenLogprobs.add(finite(lp.logprob()));
      JsonObject top = new JsonObject();
      for (int i = 0; i < lp.topCount(); i++) {
        String text = tokenizer.tokenText(lp.topId(i));
        if (!top.has(text)) { // two tokens with one text (halves of characters): the likelier
          top.addProperty(text, finite(lp.topLogprob(i)));
        }
      }
      if (!top.has(chosen)) {
        top.addProperty(chosen, finite(lp.logprob()));
      }
      topLogprobs.add(top);
      textOffsets.add(entry.textOffset());
    }
    JsonObject logprobs = new JsonObject();
    logprobs.add("tokens", tokens);
    logprobs.add("token_logprobs", tokenLogprobs);
    logprobs.add("top_logprobs", topLogprobs);
    logprobs.add("text_offset", textOffsets);
    return logprobs;
  }

  /** {@code /v1/chat/completions}: {@code {"content": [...]}}. */
  JsonObject chat(List<TokenTrail.Entry> entries) {
    JsonArray content = new JsonArray();
    for (TokenTrail.Entry entry : entries) {
      TokenLogprob lp = entry.logprob();
      JsonObject token = token(lp.tokenId(), lp.logprob());
      JsonArray top = new JsonArray();
      for (int i = 0; i < lp.topCount(); i++) {
        top.add(token(lp.topId(i), lp.topLogprob(i)));
      }
      token.add("top_logprobs", top);
      content.add(token);
    }
    JsonObject logprobs = new JsonObject();
    logprobs.add("content", content);
    return logprobs;
  }

  private JsonObject token(int id, double logprob) {
    JsonObject token = new JsonObject();
    token.addProperty("token", tokenizer.tokenText(id));
    token.addProperty("logprob", finite(logprob));
    JsonArray bytes = new JsonArray();
    for (byte b : tokenizer.tokenBytes(id)) {
      bytes.add(b & 0xFF);
    }
    token.add("bytes", bytes);
    return token;
  }

  private static double finite(double logprob) {
    return Double.isNaN(logprob) || logprob < FLOOR ? FLOOR : logprob;
  }
}
