package dev.alibi4j.engine.generation;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A pure-Java {@link CausalLanguageModel}: the logits returned by each {@code append} come from a
 * rule of (index of the append call, last id appended). It records every append, so tests can
 * count forward passes and check what was fed back.
 */
final class FakeModel implements CausalLanguageModel {

  /** Logits {@code [vocab]} returned by append number {@code call} (0 = prefill). */
  @FunctionalInterface
  interface Rule {
    float[] logits(int call, int lastId);
  }

  private final int vocab;
  private final Rule rule;
  final List<int[]> appends = new ArrayList<>();
  int opened;
  int closed;
  int maxContext = Integer.MAX_VALUE;

  FakeModel(int vocab, Rule rule) {
    this.vocab = vocab;
    this.rule = rule;
  }

  /** Logits chosen by the last appended token; {@code otherwise} when it is not in the table. */
  static FakeModel keyedByLast(int vocab, Map<Integer, float[]> table, float[] otherwise) {
    return new FakeModel(vocab, (call, last) -> table.getOrDefault(last, otherwise).clone());
  }

  /** All logits 0: greedy always picks 0, sampling is uniform. */
  static FakeModel flat(int vocab) {
    return new FakeModel(vocab, (call, last) -> new float[vocab]);
  }

  /**
   * Append number k favours {@code tokens[k]} (logit 10, the rest 0), so greedy decoding follows
   * the script; past its end all logits are 0.
   */
  static FakeModel script(int vocab, int... tokens) {
    return new FakeModel(vocab, (call, last) -> {
      float[] logits = new float[vocab];
      if (call < tokens.length) {
        logits[tokens[call]] = 10;
      }
      return logits;
    });
  }

  int appendCalls() {
    return appends.size();
  }

  @Override
  public int vocabSize() {
    return vocab;
  }

  @Override
  public int maxContext() {
    return maxContext;
  }

  @Override
  public InferenceSession newSession() {
    opened++;
    return new InferenceSession() {
      private int length;

      @Override
      public float[] append(int[] ids) {
        if (ids.length == 0) {
          throw new IllegalArgumentException("append of no ids");
        }
        for (int id : ids) {
          if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException("id out of range: " + id);
          }
        }
        appends.add(ids.clone());
        length += ids.length;
        float[] logits = rule.logits(appends.size() - 1, ids[ids.length - 1]);
        if (logits.length != vocab) {
          throw new IllegalStateException("rule returned " + logits.length + " logits");
        }
        return logits;
      }

      @Override
      public float[][] appendAll(int[] ids) {
        throw new UnsupportedOperationException("the generation loop needs only append");
      }

      @Override
      public int length() {
        return length;
      }

      @Override
      public void close() {
        closed++;
      }
    };
  }

  @Override
  public String toString() {
    List<String> shown = new ArrayList<>();
    for (int[] a : appends) {
      shown.add(Arrays.toString(a));
    }
    return "FakeModel" + shown;
  }
}
