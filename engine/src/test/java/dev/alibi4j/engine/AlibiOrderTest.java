package dev.alibi4j.engine;

import static dev.alibi4j.engine.ReferenceComparisonTest.maxAbsDiff;
import static dev.alibi4j.engine.ReferenceComparisonTest.randomIds;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.bias.AlibiOrder;
import dev.alibi4j.engine.reference.RandomModel;
import dev.alibi4j.engine.reference.ReferenceTransformer;
import dev.alibi4j.engine.reference.TestConfigs;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Falcon-RW adds the ALiBi bias before the 1/√head_dim scale. The engine must match the
 * reference that does so (prefill and cached decode), and the comparison must be able to tell: the
 * reference with the bias after the scale (BLOOM's order) differs by far more than the tolerance.
 */
class AlibiOrderTest {

  @ParameterizedTest(name = "{0} heads")
  @ValueSource(ints = {4, 6, 12})
  void biasBeforeScaleMatchesTheReferenceAndTheOtherOrderDoesNot(int heads) {
    TransformerConfig falcon = TestConfigs.falcon(heads, 48 / heads);
    RandomModel.Pair pair = RandomModel.create(falcon, 61, true);
    int[] ids = randomIds(15, falcon.vocabSize(), 3);
    double[][] expected = new ReferenceTransformer(falcon, pair.reference()).logits(ids);
    TransformerConfig swapped = falcon.toBuilder().alibiOrder(AlibiOrder.AFTER_SCALE).build();
    double[][] wrongOrder = new ReferenceTransformer(swapped, pair.reference()).logits(ids);
    try (AlibiTransformer model = new AlibiTransformer(falcon, pair.weights());
        InferenceSession s = model.newSession()) {
      float[] prefill = s.append(java.util.Arrays.copyOf(ids, 8));
      assertTrue(maxAbsDiff(expected[7], prefill) <= ReferenceComparisonTest.TOLERANCE, "prefill");
      double largestGap = maxAbsDiff(wrongOrder[7], prefill);
      for (int t = 8; t < ids.length; t++) {
        float[] step = s.append(new int[] {ids[t]});
        double diff = maxAbsDiff(expected[t], step);
        assertTrue(diff <= ReferenceComparisonTest.TOLERANCE, "step " + t + " |Δ| = " + diff);
        largestGap = Math.max(largestGap, maxAbsDiff(wrongOrder[t], step));
      }
      assertTrue(largestGap > 100 * ReferenceComparisonTest.TOLERANCE,
          "the other order is indistinguishable: " + largestGap);
    }
  }
}
