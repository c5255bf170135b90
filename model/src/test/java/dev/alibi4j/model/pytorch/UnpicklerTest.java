package dev.alibi4j.model.pytorch;

import static dev.alibi4j.model.testing.Messages.assertMentions;
import static dev.alibi4j.model.testing.TorchBinWriter.f32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.alibi4j.model.CheckpointException;
import dev.alibi4j.model.testing.TorchBinWriter;
import dev.alibi4j.model.testing.TorchPickle;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pickle decoder on its own: values, limits, and only CheckpointExceptions on bad input. */
class UnpicklerTest {

  private static Object load(byte[] pickle) {
    return new Unpickler("f.bin (archive/data.pkl)", pickle, new TorchObjects("f.bin")).load();
  }

  private static CheckpointException fails(TorchPickle p) {
    return assertThrows(CheckpointException.class, () -> load(p.bytes()));
  }

  /** A state dict of three tensors, two sharing a storage, as TorchBinWriter writes it. */
  private static byte[] stateDict(int protocol) {
    return new TorchBinWriter().protocol(protocol).moduleMetadata()
        .storage("0", "FloatStorage", f32(1, 2, 3, 4, 5, 6)).tensor("a", "0", 2, 3)
        .tensor("b", "0", 3, new long[] {3}, new long[] {1})
        .storage("1", "HalfStorage", new byte[4]).parameter("c", "1", 2)
        .stateDictPickle();
  }

  @Test
  void decodesAStateDict() {
    for (int protocol : new int[] {2, 4}) {
      Map<?, ?> dict = assertInstanceOf(Map.class, load(stateDict(protocol)));
      assertEquals(List.of("a", "b", "c"), List.copyOf(dict.keySet()));
      PickledTensor b = assertInstanceOf(PickledTensor.class, dict.get("b"));
      assertEquals(3, b.offset());
      assertEquals(TorchDtype.F32, b.dtype());
      assertEquals("0", b.storage().key());
      assertEquals(24, b.storage().bytes());
      assertEquals(TorchDtype.F16, ((PickledTensor) dict.get("c")).dtype());
    }
  }

  @Test
  void decodesInts() {
    long[] values = {0, 255, 256, 65535, 65536, -1, Integer.MIN_VALUE, Integer.MAX_VALUE,
        Integer.MAX_VALUE + 1L, -(1L << 40), Long.MAX_VALUE, Long.MIN_VALUE};
    for (long v : values) {
      assertEquals(v, load(new TorchPickle().integer(v).stop().bytes()), "int " + v);
    }
    assertMentions(fails(new TorchPickle().op(0x8a).op(9).raw(new byte[9]).stop()), "integer of 9 bytes");
  }

  @Test
  void stackUnderflowAndMarks() {
    assertMentions(fails(new TorchPickle().reduce().stop()), "stack underflow", "pickle byte 2");
    assertMentions(fails(new TorchPickle().stop()), "stack underflow");
    assertMentions(fails(new TorchPickle().integer(1).mark().op(0x86).stop()), "stack underflow");
    assertMentions(fails(new TorchPickle().op(']').integer(1).op('e').stop()), "no MARK");
    assertMentions(fails(new TorchPickle().op(']').put().mark().op(')').reduce().stop()), "stack underflow");
    assertMentions(fails(new TorchPickle().op('q').op(0).stop()), "stack underflow");
  }

  @Test
  void lengthsBeyondThePickle() {
    assertMentions(fails(new TorchPickle().op('X').le(0xFFFFFFFFL, 4).stop()),
        "truncated", "4294967295 bytes needed");
    assertMentions(fails(new TorchPickle().op(0x8d).le(1L << 62, 8).stop()), "truncated");
    assertMentions(fails(new TorchPickle().op(0x8d).le(-1, 8).stop()), "truncated", "18446744073709551615");
    assertMentions(fails(new TorchPickle().op(0x95).le(1L << 40, 8).stop()), "frame of", "truncated");
    assertMentions(fails(new TorchPickle().op('j').le(0xFFFFFFF0L, 4).stop()), "memo entry 4294967280");
    assertMentions(fails(new TorchPickle().op('c').raw("os\nsys".getBytes())), "truncated inside a GLOBAL");
    assertMentions(fails(new TorchPickle().integer(1)), "truncated");
  }

  @Test
  void refusesOddContainers() {
    assertMentions(fails(new TorchPickle().op('}').op(']').integer(1).op('s').stop()),
        "dict key is a list of 0");
    assertMentions(fails(new TorchPickle().op('}').mark().integer(1).op('u').stop()), "odd number");
    assertMentions(fails(new TorchPickle().op(')').integer(1).op('a').stop()), "APPEND to a tuple of 0");
    assertMentions(fails(new TorchPickle().op(']').integer(1).integer(2).op('s').stop()), "SETITEM on a list");
    assertMentions(fails(new TorchPickle().op('X').le(2, 4).raw(new byte[] {(byte) 0xc3, 0x28}).stop()),
        "not UTF-8");
    assertMentions(fails(new TorchPickle().global("torch", "FloatStorage").integer(1).op('R').stop()),
        "with the int 1 as arguments");
    assertMentions(assertThrows(CheckpointException.class, () -> load(new byte[] {(byte) 0x80, 6, '.'})),
        "protocol 6");
  }

  @Test
  void boundedValues() {
    byte[] nones = new byte[Unpickler.MAX_VALUES + 4];
    Arrays.fill(nones, (byte) 'N');
    nones[0] = (byte) 0x80;
    nones[1] = 2;
    assertMentions(assertThrows(CheckpointException.class, () -> load(nones)),
        "more than " + Unpickler.MAX_VALUES + " values");
  }

  @Test
  void everyTruncationFailsCleanly() {
    byte[] whole = stateDict(2);
    for (int n = 0; n < whole.length; n++) {
      byte[] cut = Arrays.copyOf(whole, n);
      assertThrows(CheckpointException.class, () -> load(cut), "cut at " + n);
    }
  }

  /** Random corruption: the decoder may accept the bytes, or refuse them, but nothing else. */
  @Test
  void corruptedPicklesFailCleanly() {
    Random random = new Random(1);
    for (byte[] whole : List.of(stateDict(2), stateDict(4))) {
      for (int i = 0; i < 3000; i++) {
        byte[] bad = whole.clone();
        for (int k = 1 + random.nextInt(3); k > 0; k--) {
          bad[random.nextInt(bad.length)] = (byte) random.nextInt(256);
        }
        try {
          load(bad);
        } catch (CheckpointException expected) {
          // refused, with a message
        }
      }
    }
  }
}
