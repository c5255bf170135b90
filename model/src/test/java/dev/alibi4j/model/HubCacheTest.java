package dev.alibi4j.model;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HubCacheTest {

  private static final String ID = "bigscience/bloom-560m";
  private static final String FOLDER = "models--bigscience--bloom-560m";
  private static final String MAIN = "a".repeat(40);
  private static final String DEV = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path tmp;

  /** A cache entry as huggingface_hub writes it: snapshot files are links into blobs/. */
  private static Path cacheEntry(Path root, String commit, String branch) throws IOException {
    Path repo = root.resolve(FOLDER);
    Path blob = repo.resolve("blobs").resolve("b" + commit.substring(1));
    Files.createDirectories(blob.getParent());
    Files.writeString(blob, "{\"commit\": \"" + commit + "\"}");
    Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve(commit));
    Files.createSymbolicLink(snapshot.resolve("config.json"),
        snapshot.relativize(blob)); // ../../blobs/<sha>, relative like the real cache
    Path ref = repo.resolve("refs").resolve(branch);
    Files.createDirectories(ref.getParent());
    Files.writeString(ref, commit); // no trailing newline, as huggingface_hub writes it
    return snapshot;
  }

  private Path home() {
    return tmp.resolve("home");
  }

  private Path resolve(String model, Map<String, String> env) {
    return HubCache.resolve(model, env, home());
  }

  private CheckpointException fails(String model, Map<String, String> env) {
    return assertThrows(CheckpointException.class, () -> resolve(model, env));
  }

  @Test
  void repoIdResolvesThroughRefsMainAndSymlinksWork() throws IOException {
    Path root = tmp.resolve("hub");
    Path snapshot = cacheEntry(root, MAIN, "main");
    Path dir = resolve(ID, Map.of("HF_HUB_CACHE", root.toString()));
    assertEquals(snapshot, dir);
    assertTrue(Files.isSymbolicLink(dir.resolve("config.json")));
    assertTrue(Files.isRegularFile(dir.resolve("config.json"))); // as Checkpoint checks it
    assertTrue(Files.readString(dir.resolve("config.json")).contains(MAIN));
  }

  @Test
  void rootPrecedenceFollowsHuggingfaceHub() throws IOException {
    // Each root holds the model at a different commit, so the result tells which root was used.
    Map<String, String> env = new HashMap<>();
    String[][] roots = {
      {"HF_HUB_CACHE", "c1", ""}, {"HUGGINGFACE_HUB_CACHE", "c2", ""}, {"HF_HOME", "c3", "hub"},
      {"XDG_CACHE_HOME", "c4", "huggingface/hub"},
    };
    Map<String, Path> expected = new HashMap<>();
    for (String[] r : roots) {
      Path base = tmp.resolve(r[1]);
      env.put(r[0], base.toString());
      expected.put(r[0], cacheEntry(base.resolve(r[2]), r[1].repeat(20), "main"));
    }
    Path fallback = cacheEntry(home().resolve(".cache/huggingface/hub"), "c5".repeat(20), "main");
    for (String[] r : roots) {
      assertEquals(expected.get(r[0]), resolve(ID, env), r[0] + " should win");
      assertEquals(expected.get(r[0]).getParent().getParent().getParent(),
          HubCache.cacheRoot(env, home()));
      env.remove(r[0]);
    }
    assertEquals(fallback, resolve(ID, env));
    assertEquals(home().resolve(".cache/huggingface/hub"), HubCache.cacheRoot(env, home()));
  }

  @Test
  void defaultRootIsUnderTheGivenHomeAndBlankVariablesCountAsUnset() throws IOException {
    Path snapshot = cacheEntry(home().resolve(".cache/huggingface/hub"), MAIN, "main");
    assertEquals(snapshot, resolve(ID, Map.of()));
    assertEquals(snapshot, resolve(ID, Map.of("HF_HUB_CACHE", "", "HF_HOME", "  ")));
  }

  @Test
  void leadingTildeIsTheHomeDirectory() throws IOException {
    Path snapshot = cacheEntry(home().resolve("hf/hub"), MAIN, "main");
    assertEquals(snapshot, resolve(ID, Map.of("HF_HOME", "~/hf")));
    assertEquals(home().resolve("hf/hub"), HubCache.cacheRoot(Map.of("HF_HOME", "~/hf"), home()));
  }

  @Test
  void revisionByBranchAndByHash() throws IOException {
    Path root = tmp.resolve("hub");
    Map<String, String> env = Map.of("HF_HUB_CACHE", root.toString());
    Path main = cacheEntry(root, MAIN, "main");
    Path dev = cacheEntry(root, DEV, "dev");
    Path pr = cacheEntry(root, "b".repeat(40), "refs/pr/1"); // stored at refs/refs/pr/1
    assertEquals(main, resolve(ID + "@main", env));
    assertEquals(dev, resolve(ID + "@dev", env));
    assertEquals(pr, resolve(ID + "@refs/pr/1", env));
    // A commit hash needs no ref at all, and upper case names the same commit.
    Files.delete(root.resolve(FOLDER).resolve("refs/dev"));
    assertEquals(dev, resolve(ID + "@" + DEV, env));
    assertEquals(dev, resolve(ID + "@" + DEV.toUpperCase(Locale.ROOT), env));
  }

  @Test
  void refContentIsTrimmed() throws IOException {
    Path root = tmp.resolve("hub");
    Path snapshot = cacheEntry(root, MAIN, "main");
    Files.writeString(root.resolve(FOLDER).resolve("refs/main"), "  " + MAIN + "\n");
    assertEquals(snapshot, resolve(ID, Map.of("HF_HUB_CACHE", root.toString())));
  }

  @Test
  void cacheFolderPassedAsDirectoryResolvesLikeItsId() throws IOException {
    Path snapshot = cacheEntry(tmp.resolve("elsewhere"), MAIN, "main");
    Path repo = tmp.resolve("elsewhere").resolve(FOLDER);
    assertEquals(snapshot, resolve(repo.toString(), Map.of()));
    assertEquals(snapshot, resolve(repo + "/", Map.of()));
  }

  @Test
  void plainDirectoriesPassThroughUnchanged() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    Files.writeString(ckpt.resolve("config.json"), "{}");
    assertEquals(ckpt, resolve(ckpt.toString(), Map.of()));
    // A snapshot folder is a plain checkpoint directory too.
    Path snapshot = cacheEntry(tmp.resolve("hub"), MAIN, "main");
    assertEquals(snapshot, resolve(snapshot.toString(), Map.of()));
    // A directory that merely looks like a cache folder, without refs/ or snapshots/, is kept.
    Path lookalike = Files.createDirectories(tmp.resolve("models--a--b"));
    assertEquals(lookalike, resolve(lookalike.toString(), Map.of()));
  }

  @Test
  void missingModelNamesTheFoldersAndTheDownloadCommand() {
    Path root = tmp.resolve("hub");
    CheckpointException e = fails(ID, Map.of("HF_HUB_CACHE", root.toString()));
    assertMentions(e, Path.of(ID).toAbsolutePath().toString(), root.resolve(FOLDER).toString(),
        "cache root " + root, "$HF_HUB_CACHE", "does not exist", "never downloads",
        "`hf download " + ID + "`", "`huggingface-cli download " + ID + "`");

    e = fails(ID + "@dev", Map.of());
    assertMentions(e, home().resolve(".cache/huggingface/hub").resolve(FOLDER).toString(),
        "default ~/.cache/huggingface/hub", "`hf download " + ID + " --revision dev`");
  }

  @Test
  void missingRefNamesTheFileAndWhatItShouldHold() throws IOException {
    Path root = tmp.resolve("hub");
    cacheEntry(root, MAIN, "main");
    Path refMain = root.resolve(FOLDER).resolve("refs/main");
    Files.delete(refMain);
    CheckpointException e = fails(ID, Map.of("HF_HUB_CACHE", root.toString()));
    assertMentions(e, refMain.toString(), "40-hex commit hash", "'main'", "hf download " + ID);

    e = fails(ID + "@nope", Map.of("HF_HUB_CACHE", root.toString()));
    assertMentions(e, root.resolve(FOLDER).resolve("refs/nope").toString(), "'nope'",
        "--revision nope");

    // Same for a cache folder given as a directory.
    e = fails(root.resolve(FOLDER).toString(), Map.of());
    assertMentions(e, refMain.toString(), "hf download " + ID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../../etc", "../../../../tmp", "not-a-hash", "", "abc",
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "gggggggggggggggggggggggggggggggggggggggg", "aaaaaaaaaaaaaaaaaaaa/aaaaaaaaaaaaaaaaaaa",
      "aaaaaaaaaaaaaaaaaaaa\naaaaaaaaaaaaaaaaaaaa"})
  void garbledRefIsRejectedBeforeUse(String content) throws IOException {
    Path root = tmp.resolve("hub");
    cacheEntry(root, MAIN, "main");
    Path refMain = root.resolve(FOLDER).resolve("refs/main");
    Files.writeString(refMain, content);
    CheckpointException e = fails(ID, Map.of("HF_HUB_CACHE", root.toString()));
    assertMentions(e, refMain.toString(), "not a 40-hex commit hash");
    assertFalse(e.getMessage().contains("\n"), "control characters are not echoed");
  }

  @Test
  void hugeOrDirectoryRefIsRejected() throws IOException {
    Path root = tmp.resolve("hub");
    cacheEntry(root, MAIN, "main");
    Path refMain = root.resolve(FOLDER).resolve("refs/main");
    Files.writeString(refMain, MAIN.repeat(1000));
    assertMentions(fails(ID, Map.of("HF_HUB_CACHE", root.toString())), refMain.toString(),
        "not a 40-hex commit hash");
    Files.delete(refMain);
    Files.createDirectory(refMain);
    assertMentions(fails(ID, Map.of("HF_HUB_CACHE", root.toString())), refMain.toString(),
        "missing or not a file");
  }

  @Test
  void missingSnapshotNamesTheFolderAndTheRef() throws IOException {
    Path root = tmp.resolve("hub");
    Path snapshot = cacheEntry(root, MAIN, "main");
    Files.delete(snapshot.resolve("config.json"));
    Files.delete(snapshot);
    Map<String, String> env = Map.of("HF_HUB_CACHE", root.toString());
    CheckpointException e = fails(ID, env);
    assertMentions(e, snapshot.toString(), root.resolve(FOLDER).resolve("refs/main").toString(),
        MAIN, "hf download " + ID);

    e = fails(ID + "@" + DEV, env);
    assertMentions(e, root.resolve(FOLDER).resolve("snapshots").resolve(DEV).toString(),
        "is a commit hash", "--revision " + DEV);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b/c", "../x", "x/..", "./x", "x/.", "/abs", "a\\b", "a\\b/c",
      "owner", "a/", "/b", "a//b", "a b/c", "a--b/c", "a/b@", "a/b@x@y", "a/b@../../etc",
      "a/b@..", "a/b@x/../y", "a/b@./x", "a/b@/x", "a/b@x\\y", "C:/x", "a/b\u0000"})
  void malformedIdsSaySo(String model) {
    CheckpointException e = fails(model, Map.of("HF_HUB_CACHE", tmp.toString()));
    assertMentions(e, "no such directory", "not a Hugging Face repository id (owner/name");
  }

  @Test
  void absentAbsoluteDirectoryIsNamed() {
    String absent = tmp.resolve("absent").toString();
    assertMentions(fails(absent, Map.of()), absent, "no such directory",
        "not a Hugging Face repository id");
  }

  @Test
  void emptyOrNullModelIsAnErrorNotTheWorkingDirectory() {
    for (String model : new String[] {"", "  ", null}) {
      assertMentions(fails(model, Map.of()), "no model given", "owner/name");
    }
  }

  @Test
  void defaultEnvironmentOverloadThrowsCheckpointExceptionNotNullPointerException() {
    assertMentions(assertThrows(CheckpointException.class, () -> HubCache.resolve("a/b/c")),
        "'a/b/c'", "not a Hugging Face repository id");
    assertThrows(CheckpointException.class, () -> HubCache.resolve(null));
  }
}
