package dev.alibi4j.model.chat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.alibi4j.model.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a conversation into prompt text the way the checkpoint was trained to read it: the
 * {@code chat_template} of its {@code tokenizer_config.json} (Jinja, rendered with HubSpot's
 * Jinjava as Hugging Face's {@code apply_chat_template} renders it: {@code messages}, {@code
 * add_generation_prompt}, {@code bos_token}, {@code eos_token}, {@code raise_exception}, blocks
 * trimmed), or {@link #DEFAULT} when it has none.
 *
 * <p>A template comes from the checkpoint, so it is treated as untrusted: rendering is bounded
 * (output, string and list sizes, recursion depth, ranges) and Jinjava exposes no Java methods to
 * it; an error names the file and what failed.
 */
public final class ChatTemplate {

  /** The file that holds the template. */
  public static final String CONFIG_FILE = "tokenizer_config.json";

  /**
   * The template for checkpoints without one (BLOOM, MPT base models and most ALiBi models): each
   * message on its own line as {@code role: content}, then {@code assistant:} to be continued.
   */
  public static final String DEFAULT = "{% for message in messages %}{{ message['role'] }}: "
      + "{{ message['content'] }}\n{% endfor %}{% if add_generation_prompt %}assistant:{% endif %}";

  private static final long MAX_OUTPUT = 4L << 20; // characters: far more than any context

  private final String source;
  private final String where; // for messages: the file, or "the default template"
  private final String bosToken;
  private final String eosToken;

  private ChatTemplate(String source, String where, String bosToken, String eosToken) {
    this.source = source;
    this.where = where;
    this.bosToken = bosToken;
    this.eosToken = eosToken;
  }

  /** {@link #DEFAULT}, with empty BOS and EOS tokens. */
  public static ChatTemplate plain() {
    return new ChatTemplate(DEFAULT, "the default chat template", "", "");
  }

  /** A template given as text (a caller's own). */
  public static ChatTemplate of(String source, String bosToken, String eosToken) {
    return new ChatTemplate(source, "the given chat template", bosToken, eosToken);
  }

  /**
   * The checkpoint's template from {@code dir/tokenizer_config.json}; {@link #plain()} when the file
   * or its {@code chat_template} is absent. A list of named templates yields the one named
   * {@code default}.
   *
   * @throws CheckpointException when the file cannot be read or its fields have the wrong types
   */
  public static ChatTemplate load(Path dir) {
    Path file = dir.resolve(CONFIG_FILE);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return plain();
    } catch (IOException e) {
      throw new CheckpointException("cannot read " + file + ": " + e.getMessage(), e);
    }
    JsonObject json;
    try {
      json = JsonParser.parseString(text).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new CheckpointException(file + " is not a JSON object: " + e.getMessage(), e);
    }
    JsonElement template = json.get("chat_template");
    if (template == null || template.isJsonNull()) {
      return plain();
    }
    String source = templateText(template, file);
    return new ChatTemplate(source, file.toString(), token(json, "bos_token", file), token(json, "eos_token", file));
  }

  private static String templateText(JsonElement template, Path file) {
    if (template.isJsonPrimitive() && template.getAsJsonPrimitive().isString()) {
      return template.getAsString();
    }
    if (template.isJsonArray()) { // [{"name": "default", "template": "..."}, {"name": "tool_use", ...}]
      for (JsonElement e : template.getAsJsonArray()) {
        if (e.isJsonObject() && e.getAsJsonObject().has("name")
            && "default".equals(e.getAsJsonObject().get("name").getAsString())
            && e.getAsJsonObject().has("template")) {
          return e.getAsJsonObject().get("template").getAsString();
        }
      }
      throw new CheckpointException(file + ": chat_template is a list without a template named 'default'");
    }
    throw new CheckpointException(file + ": chat_template must be a string or a list of named templates");
  }

  /** A special token: a string, or an added-token object with {@code content}; empty when absent. */
  private static String token(JsonObject json, String name, Path file) {
    JsonElement e = json.get(name);
    if (e == null || e.isJsonNull()) {
      return "";
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      return e.getAsString();
    }
    if (e.isJsonObject() && e.getAsJsonObject().has("content")) {
      return e.getAsJsonObject().get("content").getAsString();
    }
    throw new CheckpointException(file + ": " + name + " must be a string or an object with 'content'");
  }

  /** The template's source. */
  public String source() {
    return source;
  }

  /**
   * The prompt for {@code messages}, ending with the cue for the assistant's reply when {@code
   * addGenerationPrompt}.
   *
   * @throws IllegalArgumentException when the template refuses the conversation ({@code
   *     raise_exception}, e.g. roles out of order) or fails to render, naming where it came from
   */
  public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
    Jinjava jinjava = new Jinjava(JinjavaConfig.newBuilder()
        .withTrimBlocks(true) // as transformers' chat template environment
        .withLstripBlocks(true)
        .withMaxOutputSize(MAX_OUTPUT)
        .withMaxStringLength(MAX_OUTPUT)
        .withMaxListSize(100_000)
        .withMaxMapSize(100_000)
        .withRangeLimit(100_000)
        .withMaxRenderDepth(10)
        .withMaxMacroRecursionDepth(20)
        .withEnableRecursiveMacroCalls(false)
        .withFailOnUnknownTokens(false)
        .build());
    jinjava.getGlobalContext().registerFunction(
        new ELFunctionDefinition("", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    Map<String, Object> bindings = new HashMap<>();
    bindings.put("messages", messages.stream().map(m -> Map.of("role", m.role(), "content", m.content())).toList());
    bindings.put("add_generation_prompt", addGenerationPrompt);
    bindings.put("bos_token", bosToken);
    bindings.put("eos_token", eosToken);
    RenderResult result;
    try {
      result = jinjava.renderForResult(source, bindings);
    } catch (RuntimeException e) {
      throw failure(e.getMessage(), e);
    }
    for (TemplateError error : result.getErrors()) {
      if (error.getSeverity() == TemplateError.ErrorType.FATAL) {
        throw failure(error.getMessage(), error.getException());
      }
    }
    return result.getOutput();
  }

  private IllegalArgumentException failure(String message, Throwable cause) {
    String refused = null;
    for (Throwable c = cause; c != null && refused == null; c = c.getCause()) { // Jinjava wraps it
      if (c instanceof TemplateRefusal r) {
        refused = r.getMessage();
      }
    }
    if (refused != null) {
      return new IllegalArgumentException("the chat template of " + where + " refused the conversation: " + refused);
    }
    return new IllegalArgumentException("cannot render the chat template of " + where + ": " + message, cause);
  }

  /** {@code raise_exception(message)} in a template: refuses the conversation. */
  public static String raiseException(String message) {
    throw new TemplateRefusal(message);
  }

  /** What {@code raise_exception} throws. */
  static final class TemplateRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TemplateRefusal(String message) {
      super(message);
    }
  }
}
