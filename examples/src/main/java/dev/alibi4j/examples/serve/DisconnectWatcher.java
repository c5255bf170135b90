package dev.alibi4j.examples.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Notices clients that close their connection while their request is still generating, so the
 * generation can be cancelled at once rather than when the answer is written. One daemon thread
 * reads the kernel's TCP table ({@link TcpTable}) every {@code interval} while any request is
 * watched, and sleeps otherwise.
 *
 * <p>A watched connection counts as gone when the table shows the client's FIN (CLOSE_WAIT), or
 * when it is missing twice in a row (a reset; twice, because a read of a changing table may skip
 * a line) from a table that has listed our connections before (some sandboxes show none). A client that half-closes its side after sending the
 * request is taken as gone, as Go's net/http does. Without the tables (not Linux) nothing is
 * watched: a disconnect is then noticed on the next write (streams) or when the answer is sent.
 */
final class DisconnectWatcher implements AutoCloseable {

  /** One watched request; close it when the request ends. */
  final class Watch implements AutoCloseable {
    private final java.util.List<String> keys;
    private final Runnable onGone;
    private int missing;

    private Watch(java.util.List<String> keys, Runnable onGone) {
      this.keys = keys;
      this.onGone = onGone;
    }

    @Override
    public void close() {
      watches.remove(this);
    }
  }

  /** A watch that watches nothing, for systems without the tables or peers without addresses. */
  private final Watch none = new Watch(java.util.List.of(), () -> {});

  private final Duration interval;
  private final Map<Watch, Boolean> watches = new ConcurrentHashMap<>();
  private final boolean enabled;
  private final Thread thread;
  private volatile boolean closed;
  /** Set once the table has listed a watched connection: from then on, absence means reset. */
  private boolean tableListsOurs;

  DisconnectWatcher(Duration interval) {
    this(interval, TcpTable.available());
  }

  DisconnectWatcher(Duration interval, boolean enabled) {
    this.interval = interval;
    this.enabled = enabled;
    this.thread = enabled ? Thread.ofPlatform().daemon().name("alibi4j-disconnect-watcher").start(this::run) : null;
  }

  /** Whether disconnects are noticed before the answer is written. */
  boolean enabled() {
    return enabled;
  }

  /**
   * Watches one request's connection.
   *
   * @param onGone run once, on the watcher's thread, when the client has gone (cancel the
   *     generation: it must be quick)
   */
  Watch watch(SocketAddress local, SocketAddress remote, Runnable onGone) {
    if (!enabled || closed || !(local instanceof InetSocketAddress l) || !(remote instanceof InetSocketAddress r)
        || l.getAddress() == null || r.getAddress() == null) {
      return none;
    }
    Watch watch = new Watch(TcpTable.keys(l, r), onGone);
    watches.put(watch, Boolean.TRUE);
    LockSupport.unpark(thread);
    return watch;
  }

  private void run() {
    while (!closed) {
      if (watches.isEmpty()) {
        LockSupport.park(this); // woken by watch() or close()
        continue;
      }
      LockSupport.parkNanos(this, interval.toNanos());
      try {
        poll();
      } catch (IOException | RuntimeException e) {
        // A table that cannot be read this time: try again at the next tick.
      }
    }
  }

  private void poll() throws IOException {
    Set<String> wanted = new HashSet<>();
    for (Watch w : watches.keySet()) {
      wanted.addAll(w.keys);
    }
    if (wanted.isEmpty()) {
      return;
    }
    Map<String, TcpTable.State> states = TcpTable.read(wanted);
    for (Watch w : watches.keySet()) {
      TcpTable.State state = TcpTable.State.ABSENT;
      for (String key : w.keys) {
        state = states.getOrDefault(key, state);
      }
      boolean gone = switch (state) {
        case ESTABLISHED -> {
          tableListsOurs = true;
          w.missing = 0;
          yield false;
        }
        case CLOSE_WAIT -> true;
        case OTHER -> false;
        case ABSENT -> tableListsOurs && ++w.missing >= 2;
      };
      if (gone && watches.remove(w) != null) {
        w.onGone.run();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    watches.clear();
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }
}
