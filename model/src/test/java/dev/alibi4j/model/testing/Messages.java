package dev.alibi4j.model.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Assertions on error messages. */
public final class Messages {

  private Messages() {}

  /** Fails unless the message of {@code e} contains every one of {@code parts}. */
  public static void assertMentions(Throwable e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage() != null && e.getMessage().contains(part),
          "'" + part + "' not in: " + e.getMessage());
    }
  }
}
