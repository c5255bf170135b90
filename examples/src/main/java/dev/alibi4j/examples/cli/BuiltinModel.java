package dev.alibi4j.examples.cli;

import dev.alibi4j.examples.io.AtomicFile;
import dev.alibi4j.examples.io.DeleteOnExit;
import dev.alibi4j.examples.io.PrivateFolder;
import dev.alibi4j.examples.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The small byte-level model that ships inside the jar (trained by {@code train} on Tiny
 * Shakespeare), used when no {@code --model} is given. The loader memory-maps files, so the model
 * is unpacked into a folder only this user can write, {@code ~/.cache/alibi4j/builtin-ID} (or
 * {@code $XDG_CACHE_HOME/alibi4j}, or {@code -Dalibi4j.cache=DIR}), ID naming the digest list.
 * Every file is checked against the SHA-256 listed in the jar's {@code SHA256SUMS} on each use and
 * unpacked again when it differs. If that folder is not private (another owner, writable by
 * others), a fresh private temporary folder is used instead and deleted at exit.
 */
final class BuiltinModel {

  private static final String ROOT = "/dev/alibi4j/builtin/";
  static final String DIGESTS = "SHA256SUMS";

  private BuiltinModel() {}

  /** Whether this build carries the built-in model. */
  static boolean available() {
    return BuiltinModel.class.getResource(ROOT + DIGESTS) != null;
  }

  /** The directory of the built-in checkpoint, unpacked and verified; notes go to stderr. */
  static Path resolve() {
    return resolve(System.err);
  }

  /** As {@link #resolve()}, notes (a folder refused, a file replaced) going to {@code notes}. */
  static Path resolve(PrintStream notes) {
    return resolve(cacheRoot(), notes);
  }

  static Path resolve(Path cacheRoot, PrintStream notes) {
    if (!available()) {
      throw new IllegalStateException("this build has no built-in model: pass --model DIR");
    }
    Map<String, String> digests = digests();
    try {
      try {
        PrivateFolder.createOrCheck(cacheRoot);
        return unpack(PrivateFolder.createOrCheck(cacheRoot.resolve(folderName())), digests, notes);
      } catch (PrivateFolder.NotPrivate e) {
        notes.println("note: " + e.getMessage() + "; using a private temporary copy of the built-in model");
      } catch (IOException e) {
        // No usable cache (a read-only home, say): a temporary copy works as well.
      }
      Path temp = PrivateFolder.createTemp("alibi4j-builtin-");
      DeleteOnExit.register(temp);
      return unpack(temp, digests, notes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the built-in model: " + e.getMessage(), e);
    }
  }

  /** {@code builtin-} and the start of the digest list's own SHA-256: a new model, a new folder. */
  static String folderName() {
    return "builtin-" + Sha256.of(resource(DIGESTS)).substring(0, 16);
  }

  /** {@code -Dalibi4j.cache}, else {@code $XDG_CACHE_HOME/alibi4j}, else {@code ~/.cache/alibi4j}. */
  static Path cacheRoot() {
    String property = System.getProperty("alibi4j.cache");
    if (property != null && !property.isBlank()) {
      return Path.of(property).toAbsolutePath();
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "alibi4j");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "alibi4j");
  }

  /** File name to SHA-256, from the jar's {@code SHA256SUMS} ({@code sha256sum}'s format). */
  static Map<String, String> digests() {
    Map<String, String> digests = new LinkedHashMap<>();
    for (String line : new String(resource(DIGESTS), StandardCharsets.UTF_8).split("\n")) {
      String[] parts = line.strip().split("\\s+\\*?", 2);
      if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}")) {
        throw new IllegalStateException("the built-in model's " + DIGESTS + " has a malformed line: '" + line + "'");
      }
      digests.put(parts[1], parts[0]);
    }
    return digests;
  }

  private static Path unpack(Path dir, Map<String, String> digests, PrintStream notes) throws IOException {
    for (Map.Entry<String, String> file : digests.entrySet()) {
      Path target = dir.resolve(file.getKey());
      boolean present = Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS);
      if (present && Sha256.of(target).equals(file.getValue())) {
        continue;
      }
      byte[] content = resource(file.getKey());
      if (!Sha256.of(content).equals(file.getValue())) {
        throw new IllegalStateException("this jar is damaged: its built-in " + file.getKey()
            + " does not match the SHA-256 in " + DIGESTS);
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        notes.println("note: " + target + " did not match its SHA-256 and was unpacked again");
      }
      AtomicFile.write(target, tmp -> Files.write(tmp, content));
    }
    return dir;
  }

  private static byte[] resource(String name) {
    try (InputStream in = BuiltinModel.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the built-in model is missing " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the built-in model's " + name + ": " + e.getMessage(), e);
    }
  }
}
