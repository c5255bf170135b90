package dev.alibi4j.model;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;

/**
 * Opening the files of a checkpoint with errors that say why, in the operating system's words:
 * "permission denied", "not a directory", "is a directory", "no such file", "too many levels of
 * symbolic links". ({@code Files.isRegularFile} answers false for all of them alike, which made an
 * unreadable folder look like a missing {@code config.json}.)
 */
public final class CheckpointFiles {

  private CheckpointFiles() {}

  /**
   * Checks that {@code dir} is a directory.
   *
   * @throws CheckpointException "checkpoint directory not found", or naming the reason
   */
  public static void requireDirectory(Path dir) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(dir, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      throw new CheckpointException("checkpoint directory not found: " + dir, e);
    } catch (IOException e) {
      throw new CheckpointException(dir + ": cannot open the checkpoint directory: " + reason(e), e);
    }
    if (!attributes.isDirectory()) {
      throw new CheckpointException(dir + ": cannot open the checkpoint directory: not a directory");
    }
  }

  /**
   * Whether something has the name {@code file}, even an entry that cannot be read or a link to
   * nothing: an optional file that is there but unusable is an error to report, not a file to skip.
   *
   * @throws CheckpointException when even that cannot be told (the folder is not searchable)
   */
  public static boolean present(Path file) {
    try {
      Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return true;
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  /**
   * Checks that {@code file} is a regular file this process may read.
   *
   * @throws CheckpointException naming the file and the reason
   */
  public static void requireReadable(Path file) {
    try {
      open(file).close();
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  /**
   * {@code file}'s bytes.
   *
   * @throws CheckpointException naming the file and the reason; "not found" when it does not exist
   */
  public static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  /**
   * {@code file} opened for reading (the weights are only ever read).
   *
   * @throws CheckpointException naming the file and the reason
   */
  public static FileChannel open(Path file) {
    try {
      if (Files.readAttributes(file, BasicFileAttributes.class).isDirectory()) {
        throw new CheckpointException(file + ": cannot read: is a directory");
      }
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      throw cannotRead(file, e);
    }
  }

  /** The error for {@code e} on {@code file}: "not found" when absent, else the reason. */
  public static CheckpointException cannotRead(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      String link = Files.isSymbolicLink(file) ? " (a symbolic link to a missing file)" : "";
      return new CheckpointException(file + ": not found" + link, e);
    }
    return new CheckpointException(file + ": cannot read: " + reason(e), e);
  }

  /** Why {@code e} happened, as the operating system says it, never a Java class name. */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException) {
      return "no such file or directory";
    }
    if (e instanceof NotDirectoryException) {
      return "not a directory";
    }
    if (e instanceof FileSystemLoopException) {
      return "too many levels of symbolic links";
    }
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    if (reason == null || reason.isBlank()) {
      return "input/output error";
    }
    return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
  }
}
