package dev.alibi4j.engine.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Tokens fed a piece at a time score exactly as the whole sequence does. */
class StreamingPerplexityTest {

  private static int[] tokens(int n, long seed) {
    Random r = new Random(seed);
    return IntStream.range(0, n).map(i -> r.nextInt(5)).toArray();
  }

  @Test
  void everyPieceSizeGivesTheWholeSequencesResultToTheBit() {
    for (int n : new int[] {2, 3, 17, 50}) {
      int[] tokens = tokens(n, n);
      for (int context : new int[] {2, 3, 7, 16}) {
        for (int stride = 1; stride <= context; stride++) {
          WindowedPerplexityTest.FakeModel whole = new WindowedPerplexityTest.FakeModel();
          PerplexityResult expected = WindowedPerplexity.evaluate(whole, tokens, context, stride, null);
          int[] expectedScored = Arrays.stream(WindowedPerplexity.scoredPositions(n, context, stride))
              .map(p -> tokens[p]).toArray();
          for (int piece : new int[] {1, 3, 64}) {
            WindowedPerplexityTest.FakeModel model = new WindowedPerplexityTest.FakeModel();
            int[] scored = new int[expectedScored.length];
            int[] count = {0};
            StreamingPerplexity s = new StreamingPerplexity(model, context, stride, id -> scored[count[0]++] = id, null);
            for (int from = 0; from < n; from += piece) {
              s.accept(Arrays.copyOfRange(tokens, from, Math.min(n, from + piece)));
            }
            PerplexityResult actual = s.finish();
            String what = "n " + n + ", context " + context + ", stride " + stride + ", pieces of " + piece;
            assertEquals(expected.nll(), actual.nll(), 0.0, what);
            assertEquals(expected.perplexity(), actual.perplexity(), 0.0, what);
            assertEquals(expected.scoredTokens(), actual.scoredTokens(), what);
            assertEquals(whole.sessions, model.sessions, "windows run: " + what);
            assertArrayEquals(expectedScored, scored, "scored tokens: " + what);
          }
        }
      }
    }
  }

  @Test
  void fewerThanTwoTokensCannotBeScored() {
    StreamingPerplexity s = new StreamingPerplexity(new WindowedPerplexityTest.FakeModel(), 4, 4, null, null);
    s.accept(new int[] {1});
    assertThrows(IllegalArgumentException.class, s::finish);
  }
}
