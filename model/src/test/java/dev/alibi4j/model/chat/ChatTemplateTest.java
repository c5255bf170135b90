package dev.alibi4j.model.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.model.CheckpointException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chat templates rendered as Hugging Face's apply_chat_template renders them. */
class ChatTemplateTest {

  @TempDir Path tmp;

  /** mosaicml/mpt-7b-chat's template (ChatML), as its tokenizer_config.json holds it. */
  static final String CHATML = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
      + "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
      + "{{ '<|im_start|>assistant\\n' }}{% endif %}";

  private static final List<ChatMessage> CHAT = List.of(
      ChatMessage.system("Be brief."), ChatMessage.user("Hi!"), ChatMessage.assistant("Hello."), ChatMessage.user("Why?"));

  @Test
  void withoutATemplateTheDefaultIsRoleColonContentLines() throws Exception {
    ChatTemplate t = ChatTemplate.load(tmp); // no tokenizer_config.json
    assertEquals("system: Be brief.\nuser: Hi!\nassistant: Hello.\nuser: Why?\nassistant:", t.render(CHAT, true));
    assertEquals("user: Hi!\n", t.render(List.of(ChatMessage.user("Hi!")), false));
    Files.writeString(tmp.resolve(ChatTemplate.CONFIG_FILE), "{\"eos_token\": \"</s>\"}");
    assertEquals(ChatTemplate.DEFAULT, ChatTemplate.load(tmp).source());
  }

  @Test
  void chatMlFromTheCheckpointRendersAsTransformersDoes() throws Exception {
    Files.writeString(tmp.resolve(ChatTemplate.CONFIG_FILE),
        "{\"chat_template\": " + com.google.gson.JsonParser.parseString("\"" + CHATML.replace("\\n", "\\\\n").replace("\"", "\\\"") + "\"")
            + ", \"eos_token\": {\"content\": \"<|endoftext|>\", \"lstrip\": false}}");
    String expected = "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"
        + "<|im_start|>assistant\nHello.<|im_end|>\n<|im_start|>user\nWhy?<|im_end|>\n<|im_start|>assistant\n";
    assertEquals(expected, ChatTemplate.load(tmp).render(CHAT, true));
  }

  @Test
  void specialTokensBlockTrimmingAndRaiseExceptionWork() {
    String llamaLike = """
        {{ bos_token }}
        {% for message in messages %}
            {% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}
                {{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}
            {% endif %}
            {% if message['role'] == 'user' %}
                {{ '[INST] ' + message['content'] + ' [/INST]' }}
            {% else %}
                {{ message['content'] + eos_token }}
            {% endif %}
        {% endfor %}
        """;
    ChatTemplate t = ChatTemplate.of(llamaLike, "<s>", "</s>");
    String out = t.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b"), ChatMessage.user("c")), true);
    assertEquals("<s>[INST] a [/INST]b</s>[INST] c [/INST]", out.replace("\n", "").replaceAll(" {2,}", ""));
    var e = assertThrows(IllegalArgumentException.class, () -> t.render(List.of(ChatMessage.assistant("x")), true));
    assertTrue(e.getMessage().contains("refused the conversation: Conversation roles must alternate"), e.getMessage());
  }

  @Test
  void aListOfNamedTemplatesGivesTheDefaultOne() throws Exception {
    Files.writeString(tmp.resolve(ChatTemplate.CONFIG_FILE),
        "{\"chat_template\": [{\"name\": \"tool_use\", \"template\": \"T\"}, {\"name\": \"default\", \"template\": \"D{{ messages|length }}\"}]}");
    assertEquals("D4", ChatTemplate.load(tmp).render(CHAT, true));
  }

  @Test
  void badFilesAreNamed() throws Exception {
    Path file = tmp.resolve(ChatTemplate.CONFIG_FILE);
    Files.writeString(file, "{\"chat_template\": 42}");
    var e = assertThrows(CheckpointException.class, () -> ChatTemplate.load(tmp));
    assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("chat_template"), e.getMessage());
    Files.writeString(file, "[1, 2]");
    assertThrows(CheckpointException.class, () -> ChatTemplate.load(tmp));
  }

  @Test
  void aHostileTemplateIsBoundedAndReachesNoJava() {
    ChatTemplate huge = ChatTemplate.of("{% for i in range(99999999) %}{% for j in range(99999999) %}xxxxxxxxxx{% endfor %}{% endfor %}", "", "");
    assertThrows(IllegalArgumentException.class, () -> huge.render(CHAT, true));
    // Jinjava exposes no Java methods: reaching for the class is an error, not a call.
    var e = assertThrows(IllegalArgumentException.class, () -> ChatTemplate.of(
        "{{ messages.getClass().forName('java.lang.Runtime') }}", "", "").render(CHAT, true));
    assertTrue(e.getMessage().contains("getClass"), e.getMessage());
    String quiet = ChatTemplate.of("{{ messages[0].content.class }}|{{ bos_token.class }}", "", "").render(CHAT, true);
    assertFalse(quiet.contains("java.lang"), quiet);
  }
}
