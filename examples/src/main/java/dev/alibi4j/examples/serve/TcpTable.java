package dev.alibi4j.examples.serve;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's view of TCP connections, read from Linux's {@code /proc/self/net/tcp} and {@code
 * tcp6}: whether the client of a connection has closed it. HTTP/1.1 has no message for "I am
 * gone", and a server that only reads between requests cannot see it; the kernel can: a client's
 * FIN turns the connection into CLOSE_WAIT, a reset removes it.
 */
final class TcpTable {

  /** A connection's state as the table shows it. */
  enum State {
    /** Open both ways. */
    ESTABLISHED,
    /** The client has closed its side (sent FIN): it will read nothing more. */
    CLOSE_WAIT,
    /** Any other state (closing, timed out). */
    OTHER,
    /** Not in the table: reset, or fully closed. */
    ABSENT
  }

  private static final Path IPV4 = Path.of("/proc/self/net/tcp");
  private static final Path IPV6 = Path.of("/proc/self/net/tcp6");

  private TcpTable() {}

  /** Whether this system has the tables (Linux). */
  static boolean available() {
    return Files.isReadable(IPV4);
  }

  /**
   * The key of a connection as the table spells it: {@code local rem} in the kernel's hex, one
   * spelling per table (an IPv4 connection accepted by an IPv6 socket is listed as v4-mapped).
   */
  static List<String> keys(InetSocketAddress local, InetSocketAddress remote) {
    InetAddress l = local.getAddress();
    InetAddress r = remote.getAddress();
    if (l instanceof Inet4Address && r instanceof Inet4Address) {
      return List.of(
          hex(l.getAddress()) + ":" + port(local) + " " + hex(r.getAddress()) + ":" + port(remote),
          hex(mapped(l.getAddress())) + ":" + port(local) + " " + hex(mapped(r.getAddress())) + ":" + port(remote));
    }
    return List.of(hex(v6(l)) + ":" + port(local) + " " + hex(v6(r)) + ":" + port(remote));
  }

  /**
   * The state of each wanted connection, reading both tables once.
   *
   * @param wanted keys from {@link #keys}
   * @return the state of every wanted key found; keys missing are {@link State#ABSENT}
   */
  static Map<String, State> read(Set<String> wanted) throws IOException {
    Map<String, State> found = new HashMap<>();
    for (Path table : new Path[] {IPV4, IPV6}) {
      if (!Files.isReadable(table)) {
        continue;
      }
      for (String line : Files.readAllLines(table)) {
        // "  12: 0100007F:1F90 0100007F:D2A4 01 ..." → sl, local, remote, state
        String[] fields = line.trim().split("\\s+", 5);
        if (fields.length < 4 || !fields[0].endsWith(":")) {
          continue; // the header
        }
        String key = fields[1] + " " + fields[2];
        if (wanted.contains(key)) {
          found.put(key, switch (fields[3]) {
            case "01" -> State.ESTABLISHED;
            case "08" -> State.CLOSE_WAIT;
            default -> State.OTHER;
          });
        }
      }
    }
    return found;
  }

  private static String port(InetSocketAddress address) {
    return String.format(Locale.ROOT, "%04X", address.getPort());
  }

  /** The kernel prints each 32-bit word of an address as a host-order integer. */
  private static String hex(byte[] address) {
    StringBuilder s = new StringBuilder(address.length * 2);
    boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    for (int word = 0; word < address.length; word += 4) {
      for (int i = 0; i < 4; i++) {
        int b = address[word + (little ? 3 - i : i)] & 0xFF;
        s.append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
      }
    }
    return s.toString();
  }

  private static byte[] mapped(byte[] v4) {
    byte[] v6 = new byte[16];
    v6[10] = (byte) 0xFF;
    v6[11] = (byte) 0xFF;
    System.arraycopy(v4, 0, v6, 12, 4);
    return v6;
  }

  private static byte[] v6(InetAddress address) {
    return address instanceof Inet6Address ? address.getAddress() : mapped(address.getAddress());
  }
}
