package dev.alibi4j.examples.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary files and folders that must not outlive the process, even when it is stopped by
 * Ctrl-C or SIGTERM (which run shutdown hooks but skip {@code finally} blocks). One hook serves
 * every registration.
 */
public final class DeleteOnExit {

  private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();
  private static volatile boolean hooked;

  private DeleteOnExit() {}

  /** A registered path; {@link #close} deletes it now and forgets it. */
  public static final class Handle implements AutoCloseable {
    private final Path path;

    private Handle(Path path) {
      this.path = path;
    }

    /** Forgets the path without deleting it (it was moved into place, say). */
    public void keep() {
      PENDING.remove(path);
    }

    @Override
    public void close() {
      deleteTree(path);
      PENDING.remove(path);
    }
  }

  /** Deletes {@code path} (a file or a whole folder) when the JVM exits, unless closed or kept first. */
  public static Handle register(Path path) {
    installHook();
    PENDING.add(path);
    return new Handle(path);
  }

  private static synchronized void installHook() {
    if (!hooked) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> PENDING.forEach(DeleteOnExit::deleteTree),
          "alibi4j-delete-on-exit"));
      hooked = true;
    }
  }

  /**
   * Deletes a file or a folder with everything in it, as far as possible. A few passes, since
   * at shutdown another thread may still be writing into the folder.
   */
  public static void deleteTree(Path root) {
    for (int pass = 0; pass < 3 && Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS); pass++) {
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(root)) {
        paths = walk.sorted(Comparator.reverseOrder()).toList();
      } catch (IOException | UncheckedIOException e) {
        continue; // a file vanished while walking: try again
      }
      for (Path p : paths) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // best effort: the next pass retries
        }
      }
    }
  }
}
