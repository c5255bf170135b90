package dev.alibi4j.examples.io;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * A folder only this user can change: owned by the user, not a symbolic link, and writable by
 * neither group nor others. Files read from such a folder cannot be swapped by another local user
 * between checking and loading them.
 */
public final class PrivateFolder {

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private PrivateFolder() {}

  /**
   * Creates {@code dir} (and missing parents) with owner-only permissions, or checks that the
   * existing one is private.
   *
   * @throws NotPrivate when it exists but is not private; the message says why
   * @throws IOException when it cannot be created
   */
  public static Path createOrCheck(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      try {
        if (posix(dir)) {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
          Files.createDirectories(dir);
        }
      } catch (FileAlreadyExistsException e) {
        // created by a concurrent run, or a file is in the way: the check below says which
      }
    }
    String problem = problem(dir, currentUser());
    if (problem != null) {
      throw new NotPrivate(dir + " " + problem);
    }
    return dir;
  }

  /** A folder that exists but that other users could change. */
  public static final class NotPrivate extends IOException {
    private static final long serialVersionUID = 1L;

    NotPrivate(String message) {
      super(message);
    }
  }

  /** A new, empty folder in the temporary directory with owner-only permissions. */
  public static Path createTemp(String prefix) throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    return posix(tmp)
        ? Files.createTempDirectory(prefix, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
        : Files.createTempDirectory(prefix);
  }

  /**
   * Why {@code dir} is not private to {@code user}, in words ("is owned by nobody"), or null
   * when it is.
   */
  static String problem(Path dir, UserPrincipal user) throws IOException {
    if (Files.isSymbolicLink(dir)) {
      return "is a symbolic link";
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return "is not a folder";
    }
    UserPrincipal owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS);
    if (user != null && !owner.equals(user)) {
      return "is owned by " + owner.getName() + ", not by " + user.getName();
    }
    if (posix(dir)) {
      PosixFileAttributes attributes =
          Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      Set<PosixFilePermission> p = attributes.permissions();
      if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
        return "can be written by other users (" + PosixFilePermissions.toString(p) + ")";
      }
    }
    return null;
  }

  /**
   * The user this process runs as. On Linux {@code /proc/self} belongs to the effective user,
   * which is right even where {@code user.name} has no account entry (containers).
   */
  static UserPrincipal currentUser() throws IOException {
    Path self = Path.of("/proc/self");
    if (Files.isDirectory(self)) {
      return Files.getOwner(self);
    }
    try {
      return self.getFileSystem().getUserPrincipalLookupService()
          .lookupPrincipalByName(System.getProperty("user.name"));
    } catch (IOException | UnsupportedOperationException e) {
      return null; // no way to tell: permissions are still checked
    }
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }
}
