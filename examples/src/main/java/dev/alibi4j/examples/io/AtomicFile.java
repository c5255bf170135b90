package dev.alibi4j.examples.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a file all at once: the content is written to a temporary file in the same folder,
 * synced, then renamed over the target. A failure (a full disk, say) leaves the old file as it
 * was and no temporary file behind.
 */
public final class AtomicFile {

  /** Writes the content to the path it is given. */
  @FunctionalInterface
  public interface Content {
    void writeTo(Path file) throws IOException;
  }

  private AtomicFile() {}

  /**
   * Writes {@code target} through {@code content}.
   *
   * @throws IOException saying in words what failed and that the old file is unchanged
   */
  public static void write(Path target, Content content) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path folder = absolute.getParent();
    if (Files.isDirectory(absolute)) {
      throw new IOException("cannot write " + target + ": it is a folder");
    }
    boolean existed = Files.exists(absolute);
    Path temp;
    try {
      temp = Files.createTempFile(folder, "." + absolute.getFileName(), ".tmp");
    } catch (IOException e) {
      throw new IOException("cannot write " + target + ": " + IoErrors.describe(e), e);
    }
    DeleteOnExit.Handle cleanup = DeleteOnExit.register(temp);
    boolean done = false;
    try {
      content.writeTo(temp);
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true); // a full disk can first show up here
      }
      move(temp, absolute);
      cleanup.keep();
      done = true;
    } catch (IOException e) {
      throw new IOException("cannot write " + target + ": " + IoErrors.describe(e)
          + (existed ? " (the existing file is unchanged)" : ""), e);
    } finally {
      if (!done) {
        cleanup.close();
      }
    }
  }

  /**
   * Fails now, in words, if {@link #write} could not write {@code target} later: before hours of
   * work, not after.
   */
  public static void checkWritable(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new IOException("cannot write " + target + ": it is a folder");
    }
    try {
      Files.delete(Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp"));
    } catch (IOException e) {
      throw new IOException("cannot write " + target + ": " + IoErrors.describe(e), e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
