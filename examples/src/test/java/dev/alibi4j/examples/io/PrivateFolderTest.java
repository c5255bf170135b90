package dev.alibi4j.examples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFolderTest {

  @TempDir Path dir;

  @Test
  void aNewFolderIsTheOwnersAlone() throws Exception {
    Path made = PrivateFolder.createOrCheck(dir.resolve("a/b"));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made.getParent())));
    assertEquals(PrivateFolder.currentUser(), Files.getOwner(made));
    PrivateFolder.createOrCheck(made); // an existing private folder is fine
    Path temp = PrivateFolder.createTemp("alibi4j-test-");
    try {
      assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)));
    } finally {
      Files.delete(temp);
    }
  }

  @Test
  void aFolderOthersCanWriteIsRefused() throws Exception {
    Path shared = Files.createDirectory(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    String m = assertThrows(PrivateFolder.NotPrivate.class, () -> PrivateFolder.createOrCheck(shared)).getMessage();
    assertTrue(m.contains("can be written by other users (rwxrwxrwx)"), m);
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwx---"));
    assertThrows(PrivateFolder.NotPrivate.class, () -> PrivateFolder.createOrCheck(shared));
  }

  @Test
  void aSymbolicLinkIsRefused() throws Exception {
    Path target = Files.createDirectory(dir.resolve("target"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    String m = assertThrows(PrivateFolder.NotPrivate.class, () -> PrivateFolder.createOrCheck(link)).getMessage();
    assertTrue(m.contains("symbolic link"), m);
  }

  @Test
  void aFolderOfAnotherUserIsRefused() throws Exception {
    Path foreign = Files.createDirectory(dir.resolve("foreign"));
    UserPrincipal nobody = nobodyOrSkip();
    Files.setOwner(foreign, nobody);
    String m = assertThrows(PrivateFolder.NotPrivate.class, () -> PrivateFolder.createOrCheck(foreign)).getMessage();
    assertTrue(m.contains("is owned by " + nobody.getName()), m);
  }

  /** The user {@code nobody}, when this test may give it a folder (as root). */
  static UserPrincipal nobodyOrSkip() throws IOException {
    UserPrincipal nobody;
    try {
      nobody = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    } catch (IOException e) {
      nobody = null;
    }
    assumeTrue(nobody != null && !nobody.equals(PrivateFolder.currentUser()), "no user 'nobody'");
    Path probe = Files.createTempFile("alibi4j-owner-", ".probe");
    try {
      Files.setOwner(probe, nobody);
    } catch (IOException e) {
      assumeTrue(false, "only root can give a file away");
    } finally {
      Files.delete(probe);
    }
    return nobody;
  }
}
