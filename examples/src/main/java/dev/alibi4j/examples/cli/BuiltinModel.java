package dev.alibi4j.examples.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The small byte-level model that ships inside the jar (trained by {@code train} on Tiny
 * Shakespeare), used when no {@code --model} is given. Its files are copied once into a cache
 * directory named by their hash, since the loader memory-maps files.
 */
final class BuiltinModel {

  private static final String ROOT = "/dev/alibi4j/builtin/";
  private static final String[] FILES = {"config.json", "model.safetensors", "tokenizer.json"};

  private BuiltinModel() {}

  /** Whether this build carries the built-in model. */
  static boolean available() {
    return BuiltinModel.class.getResource(ROOT + FILES[1]) != null;
  }

  /** The directory of the built-in checkpoint, extracted on first use. */
  static Path resolve() {
    if (!available()) {
      throw new IllegalStateException("this build has no built-in model: pass --model DIR");
    }
    try {
      byte[][] contents = new byte[FILES.length][];
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (int i = 0; i < FILES.length; i++) {
        try (InputStream in = BuiltinModel.class.getResourceAsStream(ROOT + FILES[i])) {
          if (in == null) {
            throw new IllegalStateException("built-in model is missing " + FILES[i]);
          }
          contents[i] = in.readAllBytes();
        }
        sha.update(contents[i]);
      }
      String id = HexFormat.of().formatHex(sha.digest()).substring(0, 12);
      Path dir = Path.of(System.getProperty("java.io.tmpdir"), "alibi4j-builtin-" + id);
      Files.createDirectories(dir);
      for (int i = 0; i < FILES.length; i++) {
        Path target = dir.resolve(FILES[i]);
        if (!Files.isRegularFile(target) || Files.size(target) != contents[i].length) {
          // Write beside, then move: concurrent runs never see a half-written file.
          Path tmp = Files.createTempFile(dir, FILES[i], ".part");
          Files.write(tmp, contents[i]);
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the built-in model: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
