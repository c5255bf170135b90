package dev.alibi4j.examples.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kernel's TCP table read against real loopback connections. */
class TcpTableTest {

  @Test
  void keysAreSpelledAsTheKernelPrintsThem() throws Exception {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the spelling below is x86's");
    InetSocketAddress local = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8080);
    InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 53924);
    assertEquals(List.of("0100007F:1F90 0302010A:D2A4",
        "0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000302010A:D2A4"), TcpTable.keys(local, remote));
    InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("::1"), 80);
    assertEquals(List.of("00000000000000000000000001000000:0050 00000000000000000000000001000000:0050"), TcpTable.keys(v6, v6));
  }

  /** The server side of a fresh loopback connection, and the client's socket. */
  private record Pair(Socket server, Socket client) {}

  private static Pair connect(ServerSocket listener) throws Exception {
    Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    return new Pair(listener.accept(), client);
  }

  private static TcpTable.State state(Socket server) throws Exception {
    List<String> keys = TcpTable.keys((InetSocketAddress) server.getLocalSocketAddress(),
        (InetSocketAddress) server.getRemoteSocketAddress());
    var states = TcpTable.read(Set.copyOf(keys));
    TcpTable.State s = TcpTable.State.ABSENT;
    for (String k : keys) {
      s = states.getOrDefault(k, s);
    }
    return s;
  }

  private static TcpTable.State await(Socket server, TcpTable.State wanted) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    TcpTable.State s = state(server);
    while (s != wanted && System.nanoTime() < deadline) {
      Thread.sleep(10);
      s = state(server);
    }
    return s;
  }

  @Test
  void aClosedClientShowsAsCloseWaitAndAResetOneIsGone() throws Exception {
    assumeTrue(TcpTable.available(), "no /proc/self/net/tcp (not Linux)");
    try (ServerSocket listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
      Pair closed = connect(listener);
      assertEquals(TcpTable.State.ESTABLISHED, state(closed.server()));
      closed.client().close(); // FIN
      assertEquals(TcpTable.State.CLOSE_WAIT, await(closed.server(), TcpTable.State.CLOSE_WAIT));
      closed.server().close();

      Pair reset = connect(listener);
      assertEquals(TcpTable.State.ESTABLISHED, state(reset.server()));
      reset.client().setSoLinger(true, 0);
      reset.client().close(); // RST
      assertEquals(TcpTable.State.ABSENT, await(reset.server(), TcpTable.State.ABSENT));
      reset.server().close();
    }
  }
}
