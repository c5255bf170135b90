package dev.alibi4j.engine.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.CausalLanguageModel;
import dev.alibi4j.engine.InferenceSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class WindowedPerplexityTest {

  private static final int VOCAB = 5;

  /** Logits that depend on the previous token and on its index in the session (the context used). */
  static float[] logitsFor(int previous, int indexInSession) {
    float[] l = new float[VOCAB];
    for (int v = 0; v < VOCAB; v++) {
      l[v] = (float) Math.sin(1.3 * v + 0.7 * previous + 0.11 * indexInSession);
    }
    return l;
  }

  /** A model whose logits follow {@link #logitsFor}. */
  static final class FakeModel implements CausalLanguageModel {
    int sessions;

    @Override
    public int vocabSize() {
      return VOCAB;
    }

    @Override
    public InferenceSession newSession() {
      sessions++;
      return new InferenceSession() {
        final List<Integer> seen = new ArrayList<>();

        @Override
        public float[] append(int[] ids) {
          float[][] all = appendAll(ids);
          return all[all.length - 1];
        }

        @Override
        public float[][] appendAll(int[] ids) {
          float[][] out = new float[ids.length][];
          for (int i = 0; i < ids.length; i++) {
            seen.add(ids[i]);
            out[i] = logitsFor(ids[i], seen.size() - 1);
          }
          return out;
        }

        @Override
        public int length() {
          return seen.size();
        }

        @Override
        public void close() {}
      };
    }
  }

  static double nll(int previous, int index, int target) {
    float[] l = logitsFor(previous, index);
    double z = 0;
    for (float v : l) {
      z += Math.exp(v);
    }
    return Math.log(z) - l[target];
  }

  static int[] tokens(int n) {
    Random r = new Random(4);
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(VOCAB);
    }
    return t;
  }

  @Test
  void nonOverlappingWindowsScoreAllButEachWindowsFirstToken() {
    int[] t = tokens(23);
    int n = 5;
    double sum = 0;
    int count = 0;
    for (int start = 0; start < t.length; start += n) {
      for (int p = start + 1; p < Math.min(start + n, t.length); p++) {
        sum += nll(t[p - 1], p - 1 - start, t[p]); // predicted at window index p-1-start
        count++;
      }
    }
    FakeModel model = new FakeModel();
    PerplexityResult r = WindowedPerplexity.evaluate(model, t, n, n, null);
    assertEquals(count, r.scoredTokens());
    assertEquals(18, count); // 23 tokens in windows of 5,5,5,5,3: 4+4+4+4+2
    assertEquals(Math.exp(sum / count), r.perplexity(), 1e-9);
    assertEquals(5, model.sessions);
  }

  @Test
  void slidingWindowScoresEveryTokenOnceWithTheLongestContext() {
    int[] t = tokens(20);
    int n = 8;
    int s = 3;
    // Token p (p >= 1) is scored in the window that starts at the largest multiple of s with
    // start + n > p; the first window scores 1..n-1.
    double sum = 0;
    for (int p = 1; p < t.length; p++) {
      int start = p < n ? 0 : ((p - n) / s + 1) * s;
      sum += nll(t[p - 1], p - 1 - start, t[p]);
    }
    PerplexityResult r = WindowedPerplexity.evaluate(new FakeModel(), t, n, s, null);
    assertEquals(t.length - 1, r.scoredTokens());
    assertEquals(Math.exp(sum / (t.length - 1)), r.perplexity(), 1e-9);
  }

  @Test
  void lastWindowOfOneTokenEnds() {
    PerplexityResult r = WindowedPerplexity.evaluate(new FakeModel(), tokens(11), 5, 5, null);
    assertEquals(8, r.scoredTokens()); // windows 0-4, 5-9, 10: 4 + 4 + 0
  }

  @Test
  void rejectsBadArguments() {
    FakeModel m = new FakeModel();
    assertThrows(IllegalArgumentException.class, () -> WindowedPerplexity.evaluate(m, new int[] {1}, 4, 4, null));
    assertThrows(IllegalArgumentException.class, () -> WindowedPerplexity.evaluate(m, tokens(9), 1, 1, null));
    assertThrows(IllegalArgumentException.class, () -> WindowedPerplexity.evaluate(m, tokens(9), 4, 5, null));
    assertThrows(IllegalArgumentException.class, () -> WindowedPerplexity.evaluate(m, tokens(9), 4, 0, null));
  }

  @Test
  void aWindowPastTheModelsMaximumContextIsRefusedBeforeAnyWork() {
    FakeModel inner = new FakeModel();
    CausalLanguageModel limited = new CausalLanguageModel() {
      @Override
      public int vocabSize() {
        return inner.vocabSize();
      }

      @Override
      public InferenceSession newSession() {
        return inner.newSession();
      }

      @Override
      public int maxContext() {
        return 8;
      }
    };
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> WindowedPerplexity.evaluate(limited, tokens(20), 9, 9, null));
    assertTrue(e.getMessage().contains("9 tokens exceeds the maximum context of 8"), e.getMessage());
    assertEquals(0, inner.sessions);
    assertEquals(19, WindowedPerplexity.evaluate(limited, tokens(20), 8, 4, null).scoredTokens());
  }
}
