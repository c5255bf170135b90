package dev.alibi4j.examples.serve;

/** The two generation endpoints: they differ in input field, defaults and response shape only. */
enum Kind {
  /** {@code /v1/completions}: a {@code prompt} string; choices carry {@code text}. */
  TEXT("cmpl-", "text_completion", "text_completion", 16),
  /** {@code /v1/chat/completions}: {@code messages}; choices carry {@code message} / {@code delta}. */
  CHAT("chatcmpl-", "chat.completion", "chat.completion.chunk", 256);

  final String idPrefix;
  final String object;
  final String chunkObject;
  /** {@code max_tokens} when the request gives none (OpenAI's legacy 16 for text; 256 for chat). */
  final int defaultMaxTokens;

  Kind(String idPrefix, String object, String chunkObject, int defaultMaxTokens) {
    this.idPrefix = idPrefix;
    this.object = object;
    this.chunkObject = chunkObject;
    this.defaultMaxTokens = defaultMaxTokens;
  }
}
