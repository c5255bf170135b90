package dev.alibi4j.model.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes pickle opcodes as Python's pickler does for {@code torch.save} (protocol 2 by default:
 * GLOBAL, BINPUT after every global, string and container, BINGET for a global or string seen
 * before), so tests can build valid and hostile {@code data.pkl} files byte by byte. Protocol 4
 * writes FRAME, STACK_GLOBAL, SHORT_BINUNICODE and MEMOIZE instead, as Python does.
 */
public final class TorchPickle {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Map<String, Integer> memo = new HashMap<>();
  private final int protocol;
  private int nextMemo;

  /** A protocol 2 pickle, as torch.save writes. */
  public TorchPickle() {
    this(2);
  }

  /** A pickle of {@code protocol} (2 or 4). */
  public TorchPickle(int protocol) {
    this.protocol = protocol;
    op(0x80).op(protocol);
    if (protocol >= 4) {
      op(0x95);
      for (int i = 0; i < 8; i++) {
        op(0); // frame length: patched by bytes()
      }
    }
  }

  /** The pickle so far. */
  public byte[] bytes() {
    byte[] b = out.toByteArray();
    if (protocol >= 4) {
      long frame = b.length - 11;
      for (int i = 0; i < 8; i++) {
        b[3 + i] = (byte) (frame >>> (8 * i));
      }
    }
    return b;
  }

  /** Any byte, for hostile pickles. */
  public TorchPickle op(int opcode) {
    out.write(opcode);
    return this;
  }

  /** {@code n} little-endian bytes of {@code v}. */
  public TorchPickle le(long v, int n) {
    for (int i = 0; i < n; i++) {
      out.write((int) (v >>> (8 * i)));
    }
    return this;
  }

  /** Raw bytes. */
  public TorchPickle raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** The global {@code module.name}, memoized like Python's pickler. */
  public TorchPickle global(String module, String name) {
    String key = "global:" + module + "." + name;
    if (memo.containsKey(key)) {
      return get(memo.get(key));
    }
    if (protocol >= 4) {
      text(module);
      text(name);
      op(0x93); // STACK_GLOBAL
    } else {
      op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return put(key);
  }

  /** A string, memoized. */
  public TorchPickle text(String s) {
    String key = "str:" + s;
    if (memo.containsKey(key)) {
      return get(memo.get(key));
    }
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (protocol >= 4 && b.length < 256) {
      op(0x8c).op(b.length); // SHORT_BINUNICODE
    } else {
      op('X').le(b.length, 4); // BINUNICODE
    }
    raw(b);
    return put(key);
  }

  /** Memoizes the top of the stack (BINPUT, or MEMOIZE from protocol 4). */
  public TorchPickle put() {
    return put(null);
  }

  private TorchPickle put(String key) {
    int index = nextMemo++;
    if (key != null) {
      memo.put(key, index);
    }
    if (protocol >= 4) {
      return op(0x94);
    }
    return index < 256 ? op('q').op(index) : op('r').le(index, 4);
  }

  /** BINGET or LONG_BINGET. */
  public TorchPickle get(int index) {
    return index < 256 ? op('h').op(index) : op('j').le(index, 4);
  }

  /** An int, in the smallest opcode Python would use. */
  public TorchPickle integer(long v) {
    if (v >= 0 && v < 256) {
      return op('K').op((int) v);
    }
    if (v >= 0 && v < 65536) {
      return op('M').le(v, 2);
    }
    if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
      return op('J').le(v, 4);
    }
    int n = 8;
    while (n > 1 && (v >> (8 * (n - 1) - 1)) == (v >> 63)) {
      n--; // the shortest two's complement
    }
    return op(0x8a).op(n).le(v, n);
  }

  /** MARK. */
  public TorchPickle mark() {
    return op('(');
  }

  /** The ints {@code dims} as a tuple (TUPLE1..3 or MARK ... TUPLE), memoized. */
  public TorchPickle tuple(long... dims) {
    if (dims.length == 0) {
      return op(')');
    }
    if (dims.length > 3) {
      mark();
    }
    for (long d : dims) {
      integer(d);
    }
    return op(dims.length > 3 ? 't' : 0x84 + dims.length).put();
  }

  /** NEWTRUE or NEWFALSE. */
  public TorchPickle bool(boolean b) {
    return op(b ? 0x88 : 0x89);
  }

  /** REDUCE. */
  public TorchPickle reduce() {
    return op('R');
  }

  /** An empty {@code OrderedDict()}: GLOBAL, EMPTY_TUPLE, REDUCE. */
  public TorchPickle orderedDict() {
    return global("collections", "OrderedDict").op(')').reduce().put();
  }

  /** STOP. */
  public TorchPickle stop() {
    return op('.');
  }
}
