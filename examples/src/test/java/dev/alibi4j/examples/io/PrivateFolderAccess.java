package dev.alibi4j.examples.io;

import java.io.IOException;
import java.nio.file.attribute.UserPrincipal;

/** Test helpers of this package for tests elsewhere. */
public final class PrivateFolderAccess {

  private PrivateFolderAccess() {}

  /** The user {@code nobody}, when this test may give it a folder (as root); else the test is skipped. */
  public static UserPrincipal nobodyOrSkip() throws IOException {
    return PrivateFolderTest.nobodyOrSkip();
  }
}
