package dev.alibi4j.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Turns what a user names as the model ({@code --model}, {@link AlibiLM#load}) into a checkpoint
 * directory, finding Hugging Face hub repository ids such as {@code bigscience/bloom-560m} in the
 * local Hugging Face cache that {@code hf download} (formerly {@code huggingface-cli download})
 * fills. alibi4j never downloads: a repository that is not in the cache is an error saying what to
 * run.
 *
 * <p>Cache layout (shared by huggingface_hub, transformers and others): {@code
 * <root>/models--<owner>--<name>/refs/<revision>} holds a commit hash, {@code
 * <root>/models--<owner>--<name>/snapshots/<hash>/} holds that commit's files, usually as symbolic
 * links into {@code blobs/}. The root is, as in huggingface_hub's {@code constants.py}: {@code
 * $HF_HUB_CACHE}, else the legacy {@code $HUGGINGFACE_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code $XDG_CACHE_HOME/huggingface/hub}, else {@code ~/.cache/huggingface/hub}. Empty variables
 * count as unset and a leading {@code ~} means the home directory.
 */
public final class HubCache {

  private static final String REPO_PREFIX = "models--";
  private static final String REFS = "refs";
  private static final String SNAPSHOTS = "snapshots";
  private static final String DEFAULT_REVISION = "main";
  // Owner and name as the hub allows them; "--" is excluded because it separates them on disk.
  private static final Pattern ID_PART = Pattern.compile("[A-Za-z0-9._-]+");
  // Branch or tag, or a hub ref like refs/pr/1, which huggingface_hub stores as refs/refs/pr/1.
  private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-fA-F]{40}");
  private static final int MAX_REF_BYTES = 4096;

  private HubCache() {}

  /**
   * Resolves {@code model} with this process's environment and the user's home directory.
   *
   * @see #resolve(String, Map, Path)
   */
  public static Path resolve(String model) {
    return resolve(model, System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /**
   * Resolves {@code model} to a checkpoint directory:
   *
   * <ul>
   *   <li>an existing directory is returned as is, unless it is the cache folder of one repository
   *       ({@code models--owner--name} with {@code refs/} or {@code snapshots/}), which resolves
   *       like its repository id;
   *   <li>a repository id {@code owner/name}, optionally {@code owner/name@revision} (a branch, tag
   *       or 40-hex commit hash; default {@code main}), resolves to {@code
   *       <root>/models--owner--name/snapshots/<hash>}, the hash read from {@code refs/<revision>}
   *       unless the revision is one.
   * </ul>
   *
   * A local directory wins over a repository id of the same name, as in transformers.
   *
   * @param model what the user named: a directory, or a repository id with optional revision
   * @param env environment variables, read for the cache root
   * @param home the user's home directory, for {@code ~} and the default cache root
   * @return the checkpoint directory
   * @throws CheckpointException when {@code model} is neither, when the repository is not in the
   *     cache (naming the folders looked in and the download command), or when its ref or snapshot
   *     is missing or malformed (naming the file or folder)
   */
  public static Path resolve(String model, Map<String, String> env, Path home) {
    Objects.requireNonNull(env, "env");
    Objects.requireNonNull(home, "home");
    if (model == null || model.isBlank()) {
      // Path.of("") is the working directory: never let an empty name load it silently.
      throw new CheckpointException(
          "no model given: name a checkpoint directory or a Hugging Face repository id"
              + " (owner/name)");
    }
    Path local = toPath(model);
    if (local != null && Files.isDirectory(local)) {
      if (isRepoFolder(local)) {
        Path repo = local.toAbsolutePath().normalize();
        return snapshot(repo, DEFAULT_REVISION, repoIdOf(repo), null);
      }
      return local;
    }
    RepoId id = RepoId.parse(model);
    if (id == null) {
      throw new CheckpointException(
          quote(model, false) + ": no such directory"
              + (local == null ? "" : " (" + local.toAbsolutePath() + ")")
              + ", and not a Hugging Face repository id (owner/name, optionally @revision;"
              + " letters, digits, '-', '_', '.')");
    }
    Root root = root(env, home);
    Path repo = root.dir.resolve(REPO_PREFIX + id.owner + "--" + id.name).normalize();
    if (!repo.startsWith(root.dir)) { // cannot happen with a vetted id; checked because it matters
      throw new CheckpointException("repository id '" + id + "' leads outside " + root.dir);
    }
    if (!Files.isDirectory(repo)) {
      throw new CheckpointException(
          quote(model, false) + " is neither a directory (looked for "
              + (local == null ? model : local.toAbsolutePath()) + ") nor in the Hugging Face"
              + " cache (looked for " + repo + "; cache root " + root.dir
              + (Files.isDirectory(root.dir) ? "" : ", which does not exist,") + " chosen by "
              + root.origin + "). alibi4j never downloads: " + downloadHint(id.id(), id.revision));
    }
    return snapshot(repo, id.revision == null ? DEFAULT_REVISION : id.revision, id.id(),
        id.revision);
  }

  /**
   * The Hugging Face hub cache root for {@code env} and {@code home}, in huggingface_hub's order
   * (see the class comment). It need not exist.
   */
  public static Path cacheRoot(Map<String, String> env, Path home) {
    return root(env, home).dir;
  }

  /** The cache root and, for messages, which variable chose it. */
  private record Root(Path dir, String origin) {}

  private static Root root(Map<String, String> env, Path home) {
    String[][] choices = {
      {"HF_HUB_CACHE", ""}, {"HUGGINGFACE_HUB_CACHE", ""}, {"HF_HOME", "hub"},
      {"XDG_CACHE_HOME", "huggingface/hub"},
    };
    for (String[] choice : choices) {
      String value = env.get(choice[0]);
      if (value != null && !value.isBlank()) {
        Path dir = expand(value, choice[0], home).resolve(choice[1]);
        String origin = "$" + choice[0] + (choice[1].isEmpty() ? "" : "/" + choice[1]);
        return new Root(dir.toAbsolutePath().normalize(), origin);
      }
    }
    return new Root(home.resolve(".cache/huggingface/hub").toAbsolutePath().normalize(),
        "the default ~/.cache/huggingface/hub, as HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME"
            + " and XDG_CACHE_HOME are unset");
  }

  private static Path expand(String value, String variable, Path home) {
    try {
      if (value.equals("~")) {
        return home;
      }
      return value.startsWith("~/") ? home.resolve(value.substring(2)) : Path.of(value);
    } catch (InvalidPathException e) {
      throw new CheckpointException("$" + variable + " is not a valid path: '" + value + "'", e);
    }
  }

  /** The snapshot folder of {@code revision} in the cache folder {@code repo}. */
  private static Path snapshot(Path repo, String revision, String id, String askedRevision) {
    String commit;
    Path ref = null;
    if (COMMIT.matcher(revision).matches()) {
      commit = revision.toLowerCase(Locale.ROOT); // the hub names snapshots in lower case
    } else {
      Path refs = repo.resolve(REFS);
      ref = refs.resolve(revision).normalize();
      if (!ref.startsWith(refs)) {
        throw new CheckpointException("revision '" + revision + "' leads outside " + refs);
      }
      commit = readRef(ref, revision, id, askedRevision);
    }
    Path snapshots = repo.resolve(SNAPSHOTS);
    Path snapshot = snapshots.resolve(commit).normalize();
    if (!snapshot.startsWith(snapshots)) { // commit is 40 hex by now; checked because it matters
      throw new CheckpointException("commit '" + commit + "' leads outside " + snapshots);
    }
    if (!Files.isDirectory(snapshot)) {
      throw new CheckpointException(
          "snapshot folder " + snapshot + " not found: "
              + (ref == null ? "revision " + commit + " is a commit hash"
                  : ref + " names commit " + commit)
              + ", so the download of " + id + " is incomplete or was removed; "
              + downloadHint(id, askedRevision));
    }
    return snapshot;
  }

  /** The commit hash in {@code ref}: untrusted, so exactly 40 hex characters or an error. */
  private static String readRef(Path ref, String revision, String id, String askedRevision) {
    if (!Files.isRegularFile(ref)) {
      throw new CheckpointException(
          "ref file " + ref + " is missing or not a file: expected it to hold the 40-hex commit"
              + " hash of revision '" + revision + "' of " + id + "; "
              + downloadHint(id, askedRevision));
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(ref)) {
      bytes = in.readNBytes(MAX_REF_BYTES + 1); // bounded: a ref is 40 bytes
    } catch (IOException e) {
      throw new CheckpointException("cannot read ref file " + ref + ": " + e.getMessage(), e);
    }
    // Latin-1 decodes any bytes, so garbage reaches the hex check instead of a decoding error.
    String content = new String(bytes, StandardCharsets.ISO_8859_1).strip();
    if (bytes.length > MAX_REF_BYTES || !COMMIT.matcher(content).matches()) {
      throw new CheckpointException(
          "ref file " + ref + " holds " + quote(content, true) + ", not a 40-hex commit hash;"
              + " the cache entry of " + id + " is damaged; " + downloadHint(id, askedRevision));
    }
    return content.toLowerCase(Locale.ROOT);
  }

  private static String downloadHint(String id, String revision) {
    String args = id + (revision == null ? "" : " --revision " + revision);
    return "run `hf download " + args + "` (or, with huggingface_hub before 0.34, `huggingface-cli"
        + " download " + args + "`), or pass the checkpoint directory.";
  }

  private static boolean isRepoFolder(Path dir) {
    Path name = dir.toAbsolutePath().normalize().getFileName();
    return name != null && name.toString().startsWith(REPO_PREFIX)
        && (Files.isDirectory(dir.resolve(REFS)) || Files.isDirectory(dir.resolve(SNAPSHOTS)));
  }

  /** "owner/name" back from a cache folder name, for messages. */
  private static String repoIdOf(Path repo) {
    return repo.getFileName().toString().substring(REPO_PREFIX.length()).replace("--", "/");
  }

  private static Path toPath(String model) {
    try {
      return Path.of(model);
    } catch (InvalidPathException e) {
      return null; // e.g. a NUL character: not a directory, maybe still not an id
    }
  }

  /** Untrusted text for a message: quoted, control characters as '?', optionally shortened. */
  private static String quote(String text, boolean shorten) {
    String shown = shorten && text.length() > 60 ? text.substring(0, 60) + "..." : text;
    return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
  }

  /** A vetted repository id with optional revision. */
  private record RepoId(String owner, String name, String revision) {

    /** Null unless {@code s} is {@code owner/name} or {@code owner/name@revision}. */
    static RepoId parse(String s) {
      int at = s.indexOf('@');
      String revision = at < 0 ? null : s.substring(at + 1);
      String[] parts = (at < 0 ? s : s.substring(0, at)).split("/", -1);
      if (parts.length != 2 || !isPart(parts[0]) || !isPart(parts[1])) {
        return null;
      }
      if (revision != null && (!REVISION.matcher(revision).matches() || hasDots(revision))) {
        return null;
      }
      return new RepoId(parts[0], parts[1], revision);
    }

    private static boolean isPart(String part) {
      return ID_PART.matcher(part).matches() && !part.contains("--") && !hasDots(part);
    }

    /** A "." or ".." path segment, or any "..": never part of a path built from user input. */
    private static boolean hasDots(String s) {
      return s.contains("..") || s.equals(".") || s.startsWith("./") || s.endsWith("/.")
          || s.contains("/./");
    }

    String id() {
      return owner + "/" + name;
    }

    @Override
    public String toString() {
      return id() + (revision == null ? "" : "@" + revision);
    }
  }
}
