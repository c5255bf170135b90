package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.examples.io.PrivateFolderAccess;
import dev.alibi4j.examples.io.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the built-in model is unpacked, and that what is loaded is what the jar holds. */
class BuiltinModelUnpackTest {

  private static final Path SOURCES = Path.of("src/main/resources/dev/alibi4j/builtin");

  @TempDir Path cache;

  private final ByteArrayOutputStream notes = new ByteArrayOutputStream();

  private Path resolve() {
    return BuiltinModel.resolve(cache, new PrintStream(notes, true, StandardCharsets.UTF_8));
  }

  private static void assertUnpacked(Path dir) throws Exception {
    for (Map.Entry<String, String> file : BuiltinModel.digests().entrySet()) {
      assertEquals(file.getValue(), Sha256.of(dir.resolve(file.getKey())), file.getKey());
    }
  }

  /** The digest list cannot go stale: it must name every shipped file with its SHA-256. */
  @Test
  void theDigestListMatchesTheShippedFiles() throws Exception {
    String expected;
    try (Stream<Path> files = Files.list(SOURCES)) {
      expected = files.map(p -> p.getFileName().toString())
          .filter(name -> !name.equals(BuiltinModel.DIGESTS))
          .sorted()
          .map(name -> {
            try {
              return Sha256.of(SOURCES.resolve(name)) + "  " + name + "\n";
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          })
          .collect(Collectors.joining());
    }
    assertEquals(expected, Files.readString(SOURCES.resolve(BuiltinModel.DIGESTS)),
        "after changing the built-in model run: (cd " + SOURCES + " && sha256sum "
            + "config.json model.safetensors tokenizer.json > " + BuiltinModel.DIGESTS + ")");
  }

  @Test
  void unpacksIntoAPrivateFolderNamedByTheDigests() throws Exception {
    Path dir = resolve();
    assertEquals(cache.resolve(BuiltinModel.folderName()), dir);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertUnpacked(dir);
    assertEquals("", notes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aTamperedFileIsDetectedAndUnpackedAgain() throws Exception {
    Path dir = resolve();
    Path weights = dir.resolve("model.safetensors");
    Files.write(weights, new byte[(int) Files.size(weights)]); // zeros of the same size
    assertEquals(dir, resolve());
    assertUnpacked(dir);
    assertTrue(notes.toString(StandardCharsets.UTF_8).contains(weights + " did not match its SHA-256"), notes.toString());
  }

  @Test
  void aFolderOthersCanWriteIsNotUsed() throws Exception {
    Path planted = Files.createDirectories(cache.resolve(BuiltinModel.folderName()));
    Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path dir = resolve();
    assertNotEquals(planted, dir);
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
    assertUnpacked(dir);
    assertTrue(notes.toString(StandardCharsets.UTF_8).contains("can be written by other users"), notes.toString());
  }

  @Test
  void aFolderAnotherUserCreatedFirstIsNotUsed() throws Exception {
    UserPrincipal nobody = PrivateFolderAccess.nobodyOrSkip();
    Path planted = Files.createDirectories(cache.resolve(BuiltinModel.folderName()));
    Files.setOwner(planted, nobody);
    Path dir = resolve();
    assertNotEquals(planted, dir);
    assertUnpacked(dir);
    assertTrue(notes.toString(StandardCharsets.UTF_8).contains("is owned by " + nobody.getName()), notes.toString());
  }
}
