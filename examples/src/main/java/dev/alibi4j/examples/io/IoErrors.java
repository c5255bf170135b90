package dev.alibi4j.examples.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * An I/O failure in words. Java's own messages are often just a path (NoSuchFileException) or
 * start with the class name when printed; a user needs what happened and to which file.
 */
public final class IoErrors {

  private IoErrors() {}

  /** What went wrong, naming the file when the exception knows it; never a class name. */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f) {
      String file = f.getFile() == null ? "" : f.getFile();
      String other = f.getOtherFile() == null ? "" : " (and " + f.getOtherFile() + ")";
      String what = switch (f) {
        case NoSuchFileException _ -> "no such file or folder";
        case AccessDeniedException _ -> "permission denied";
        case FileAlreadyExistsException _ -> "already exists";
        case NotDirectoryException _ -> "not a folder";
        case DirectoryNotEmptyException _ -> "folder is not empty";
        case FileSystemLoopException _ -> "symbolic links form a loop";
        default -> f.getReason() == null ? "input/output error" : f.getReason();
      };
      return file.isEmpty() ? what + other : file + ": " + what + other;
    }
    if (e instanceof CharacterCodingException) {
      return e.getMessage() == null ? "text is not in the expected encoding" : e.getMessage();
    }
    return e.getMessage() == null || e.getMessage().isBlank() ? "input/output error" : e.getMessage();
  }
}
