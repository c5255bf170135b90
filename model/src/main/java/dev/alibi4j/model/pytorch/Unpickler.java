package dev.alibi4j.model.pytorch;

import dev.alibi4j.model.CheckpointException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a pickle (protocols 2 to 5) with the opcodes {@code torch.save} writes, and no others.
 * Nothing in it can run code: GLOBAL, REDUCE, BUILD and BINPERSID are handed to {@link
 * PickleObjects}, which allows only what it knows. Values are Java objects: {@code String}, {@code
 * Long}, {@code Double}, {@code Boolean}, null for None, {@link PickleTuple}, {@code ArrayList}
 * for lists, {@code LinkedHashMap} for dicts, and whatever {@code PickleObjects} returns.
 *
 * <p>Memory stays bounded: every length is checked against the bytes left before anything is
 * allocated, each opcode adds at most one value, and at most {@value #MAX_VALUES} values are made.
 * Decoding is a loop, never recursion, so nesting cannot overflow the stack.
 */
final class Unpickler {

  /**
   * Most values a pickle may push: torch writes about 25 per tensor, so this allows some 80,000
   * tensors in one file, while a hostile pickle stays within a few hundred MiB of heap.
   */
  static final int MAX_VALUES = 2_000_000;

  private final String where;
  private final byte[] in;
  private final PickleObjects objects;
  private final List<Object> stack = new ArrayList<>();
  private int[] marks = new int[16];
  private int markCount;
  private final Map<Long, Object> memo = new HashMap<>();
  private int pos;
  private int opStart;
  private int pushed;

  /**
   * @param where the file and entry, for messages
   * @param pickle the whole pickle
   * @param objects what GLOBAL, REDUCE, BUILD and BINPERSID may produce
   */
  Unpickler(String where, byte[] pickle, PickleObjects objects) {
    this.where = where;
    this.in = pickle;
    this.objects = objects;
  }

  /**
   * The object the pickle describes.
   *
   * @throws CheckpointException for an unknown opcode, a truncated pickle, a stack underflow, or
   *     anything {@link PickleObjects} refuses
   */
  Object load() {
    try {
      while (true) {
        opStart = pos;
        int op = u8();
        if (op == '.') { // STOP
          return pop();
        }
        step(op);
      }
    } catch (CheckpointException e) {
      throw e;
    } catch (RuntimeException e) { // a case this decoder missed: still a checkpoint error
      throw fail("malformed pickle: " + e);
    }
  }

  @SuppressWarnings("unchecked")
  private void step(int op) {
    switch (op) {
      case 0x80 -> { // PROTO
        int protocol = u8();
        if (protocol < 2 || protocol > 5) {
          throw fail("pickle protocol " + protocol + " is not supported (torch writes 2)");
        }
      }
      case 0x95 -> { // FRAME: a length hint only
        long length = le(8);
        if (length < 0 || length > in.length - pos) {
          throw fail("frame of " + Long.toUnsignedString(length) + " bytes runs past the end: the pickle is truncated");
        }
      }
      case 'c' -> push(objects.global(line(), line())); // GLOBAL
      case 0x93 -> { // STACK_GLOBAL
        Object name = pop();
        Object module = pop();
        if (!(module instanceof String m) || !(name instanceof String n)) {
          throw fail("STACK_GLOBAL of " + describe(module) + " and " + describe(name) + ", not two strings");
        }
        push(objects.global(m, n));
      }
      case 'q' -> memo.put((long) u8(), peek()); // BINPUT
      case 'r' -> memo.put(le(4), peek()); // LONG_BINPUT
      case 0x94 -> memo.put((long) memo.size(), peek()); // MEMOIZE
      case 'h' -> push(memoGet(u8())); // BINGET
      case 'j' -> push(memoGet(le(4))); // LONG_BINGET
      case '(' -> mark(); // MARK
      case ')' -> push(new PickleTuple(List.of())); // EMPTY_TUPLE
      case 't' -> push(new PickleTuple(popMark())); // TUPLE
      case 0x85 -> push(new PickleTuple(popN(1))); // TUPLE1
      case 0x86 -> push(new PickleTuple(popN(2))); // TUPLE2
      case 0x87 -> push(new PickleTuple(popN(3))); // TUPLE3
      case ']' -> push(new ArrayList<>()); // EMPTY_LIST
      case 'l' -> push(new ArrayList<>(popMark())); // LIST
      case 'a' -> { // APPEND
        Object item = pop();
        list(peek()).add(item);
      }
      case 'e' -> { // APPENDS
        List<Object> items = popMark();
        list(peek()).addAll(items);
      }
      case '}' -> push(new LinkedHashMap<>()); // EMPTY_DICT
      case 'd' -> { // DICT
        List<Object> items = popMark();
        Map<Object, Object> dict = new LinkedHashMap<>();
        putAll(dict, items);
        push(dict);
      }
      case 's' -> { // SETITEM
        Object value = pop();
        Object key = pop();
        dict(peek()).put(key(key), value);
      }
      case 'u' -> { // SETITEMS
        List<Object> items = popMark();
        putAll(dict(peek()), items);
      }
      case 'J' -> push((long) (int) le(4)); // BININT: signed
      case 'K' -> push((long) u8()); // BININT1
      case 'M' -> push(le(2)); // BININT2
      case 0x8a -> push(long1()); // LONG1
      case 'X' -> push(text(le(4))); // BINUNICODE
      case 0x8c -> push(text(u8())); // SHORT_BINUNICODE
      case 0x8d -> push(text(le(8))); // BINUNICODE8
      case 'N' -> push(null); // NONE
      case 0x88 -> push(Boolean.TRUE); // NEWTRUE
      case 0x89 -> push(Boolean.FALSE); // NEWFALSE
      case 'G' -> push(ByteBuffer.wrap(bytes(8)).getDouble()); // BINFLOAT: big-endian
      case 'R' -> { // REDUCE
        Object args = pop();
        Object callable = pop();
        if (!(args instanceof PickleTuple tuple)) {
          throw fail("REDUCE of " + describe(callable) + " with " + describe(args) + " as arguments, not a tuple");
        }
        push(objects.reduce(callable, tuple));
      }
      case 'b' -> { // BUILD
        Object state = pop();
        objects.build(peek(), state);
      }
      case 'Q' -> push(objects.persistentLoad(pop())); // BINPERSID
      default -> throw fail(String.format("unsupported pickle opcode 0x%02x", op));
    }
  }

  /** A value for messages: its kind, never its contents (which a hostile file controls). */
  static String describe(Object value) {
    return switch (value) {
      case null -> "None";
      case String s -> "the string " + Quoted.of(s);
      case Long l -> "the int " + l;
      case Boolean b -> b ? "True" : "False";
      case Double d -> "the float " + d;
      case List<?> l -> "a list of " + l.size();
      case Map<?, ?> m -> "a dict of " + m.size();
      default -> value.toString();
    };
  }

  private CheckpointException fail(String problem) {
    return new CheckpointException(where + ": " + problem + " (pickle byte " + opStart + ")");
  }

  private void push(Object value) {
    if (++pushed > MAX_VALUES) {
      throw fail("pickle holds more than " + MAX_VALUES + " values, far more than a state dict needs");
    }
    stack.add(value);
  }

  private int floor() {
    return markCount == 0 ? 0 : marks[markCount - 1];
  }

  private Object pop() {
    if (stack.size() <= floor()) {
      throw fail("stack underflow");
    }
    return stack.removeLast();
  }

  private Object peek() {
    if (stack.size() <= floor()) {
      throw fail("stack underflow");
    }
    return stack.getLast();
  }

  private List<Object> popN(int n) {
    if (stack.size() - floor() < n) {
      throw fail("stack underflow");
    }
    List<Object> top = stack.subList(stack.size() - n, stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private void mark() {
    if (markCount == marks.length) {
      marks = Arrays.copyOf(marks, marks.length * 2);
    }
    marks[markCount++] = stack.size();
  }

  private List<Object> popMark() {
    if (markCount == 0) {
      throw fail("no MARK to pop to");
    }
    List<Object> top = stack.subList(marks[--markCount], stack.size());
    List<Object> items = new ArrayList<>(top);
    top.clear();
    return items;
  }

  private Object memoGet(long index) {
    if (!memo.containsKey(index)) {
      throw fail("memo entry " + index + " was never stored");
    }
    return memo.get(index);
  }

  @SuppressWarnings("unchecked")
  private List<Object> list(Object target) {
    if (!(target instanceof ArrayList<?>)) {
      throw fail("APPEND to " + describe(target) + ", not a list");
    }
    return (List<Object>) target;
  }

  @SuppressWarnings("unchecked")
  private Map<Object, Object> dict(Object target) {
    if (!(target instanceof LinkedHashMap<?, ?>)) {
      throw fail("SETITEM on " + describe(target) + ", not a dict");
    }
    return (Map<Object, Object>) target;
  }

  private void putAll(Map<Object, Object> dict, List<Object> items) {
    if (items.size() % 2 != 0) {
      throw fail("odd number of items (" + items.size() + ") for a dict");
    }
    for (int i = 0; i < items.size(); i += 2) {
      dict.put(key(items.get(i)), items.get(i + 1));
    }
  }

  /** Strings and ints only: enough for state dicts, and hashing them cannot recurse. */
  private Object key(Object key) {
    if (!(key instanceof String) && !(key instanceof Long)) {
      throw fail("dict key is " + describe(key) + ", not a string or int");
    }
    return key;
  }

  private int u8() {
    need(1);
    return in[pos++] & 0xff;
  }

  /** {@code n} (at most 8) bytes, little-endian, unsigned. */
  private long le(int n) {
    need(n);
    long v = 0;
    for (int i = 0; i < n; i++) {
      v |= (long) (in[pos++] & 0xff) << (8 * i);
    }
    return v;
  }

  private long long1() {
    int n = u8();
    if (n > 8) {
      throw fail("integer of " + n + " bytes is too large");
    }
    if (n == 0) {
      return 0;
    }
    long v = le(n);
    int unused = 64 - 8 * n;
    return (v << unused) >> unused; // two's complement of n bytes
  }

  private byte[] bytes(long n) {
    need(n);
    byte[] b = Arrays.copyOfRange(in, pos, pos + (int) n);
    pos += (int) n;
    return b;
  }

  private String text(long length) {
    need(length);
    try {
      String s = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(in, pos, (int) length))
          .toString();
      pos += (int) length;
      return s;
    } catch (CharacterCodingException e) {
      throw fail("string of " + length + " bytes is not UTF-8");
    }
  }

  /** A GLOBAL operand: text up to a newline. */
  private String line() {
    for (int end = pos; end < in.length; end++) {
      if (in[end] == '\n') {
        String s = text(end - pos);
        pos++; // the newline
        return s;
      }
    }
    throw fail("pickle is truncated inside a GLOBAL");
  }

  /** Fails unless {@code n} more bytes remain (n may be a hostile 64-bit length). */
  private void need(long n) {
    if (n < 0 || n > in.length - pos) {
      throw fail("pickle is truncated: " + Long.toUnsignedString(n) + " bytes needed, "
          + (in.length - pos) + " left");
    }
  }
}
