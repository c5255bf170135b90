package dev.alibi4j.examples.serve;

/**
 * Where and how the server listens.
 *
 * @param host address to bind ({@code 127.0.0.1} by default: not reachable from other machines)
 * @param port port to bind; 0 picks a free one ({@link OpenAiServer#port()} tells which)
 * @param apiKey the key every request must send as {@code Authorization: Bearer KEY}; null for none
 * @param modelId the model's name in {@code /v1/models} and the only {@code model} accepted
 */
public record ServerConfig(String host, int port, String apiKey, String modelId) {

  public ServerConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535, got " + port);
    }
  }
}
