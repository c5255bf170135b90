package dev.alibi4j.engine.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class GenerationParamsTest {

  private static void assertRejected(String option, UnaryOperator<GenerationParams.Builder> setting) {
    var e = assertThrows(IllegalArgumentException.class,
        () -> setting.apply(GenerationParams.builder()).build());
    assertTrue(e.getMessage().contains(option), e.getMessage());
  }

  @Test
  void toBuilderKeepsEveryFieldAndChangesOnlyWhatIsSet() {
    GenerationParams p = GenerationParams.builder().maxNewTokens(7).temperature(0.7).topK(5).topP(0.9)
        .repetitionPenalty(1.2).seed(3).stopString("##").eosTokenId(2).logprobs(4).build();
    assertEquals(p, p.toBuilder().build());
    GenerationParams q = p.toBuilder().logprobs(GenerationParams.NO_LOGPROBS).stopString("%%").build();
    assertEquals(List.of("##", "%%"), q.stopStrings());
    assertEquals(GenerationParams.NO_LOGPROBS, q.logprobs());
    GenerationParams unseeded = GenerationParams.builder().build();
    assertNull(unseeded.toBuilder().build().seed());
  }

  @Test
  void defaults() {
    GenerationParams p = GenerationParams.builder().build();
    assertEquals(128, p.maxNewTokens());
    assertEquals(0, p.temperature());
    assertTrue(p.greedy());
    assertEquals(0, p.topK());
    assertEquals(1, p.topP());
    assertEquals(1, p.repetitionPenalty());
    assertNull(p.seed());
    assertEquals(List.of(), p.stopStrings());
    assertEquals(Set.of(), p.eosTokenIds());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
  void maxNewTokensMustBePositive(int n) {
    assertRejected("maxNewTokens", b -> b.maxNewTokens(n));
  }

  @ParameterizedTest
  @ValueSource(doubles = {-0.1, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void temperatureMustBeFiniteAndNonNegative(double t) {
    assertRejected("temperature", b -> b.temperature(t));
  }

  @Test
  void topKMustNotBeNegative() {
    assertRejected("topK", b -> b.topK(-1));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -0.5, 1.0000001, 2, Double.NaN})
  void topPMustBeInZeroOne(double p) {
    assertRejected("topP", b -> b.topP(p));
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, Double.NaN, Double.POSITIVE_INFINITY})
  void repetitionPenaltyMustBeFiniteAndPositive(double r) {
    assertRejected("repetitionPenalty", b -> b.repetitionPenalty(r));
  }

  @Test
  void stopStringMustNotBeEmptyOrNull() {
    assertRejected("stop string", b -> b.stopString(""));
    assertRejected("stop string", b -> b.stopString(null));
  }

  @Test
  void eosTokenIdMustNotBeNegative() {
    assertRejected("eosTokenIds", b -> b.eosTokenId(-1));
  }

  @Test
  void boundaryValuesAreAccepted() {
    GenerationParams p = GenerationParams.builder()
        .maxNewTokens(1).temperature(0.01).topK(0).topP(1).repetitionPenalty(0.5).seed(-3)
        .stopString("x").eosTokenId(0).build();
    assertFalse(p.greedy());
    assertEquals(-3L, p.seed());
    assertEquals(List.of("x"), p.stopStrings());
    assertEquals(Set.of(0), p.eosTokenIds());
    assertEquals(1e-9, GenerationParams.builder().topP(1e-9).build().topP());
  }

  @Test
  void builtParamsDoNotChangeWithTheBuilder() {
    GenerationParams.Builder b = GenerationParams.builder().stopString("a").eosTokenId(1);
    GenerationParams p = b.build();
    b.stopString("b").eosTokenId(2);
    assertEquals(List.of("a"), p.stopStrings());
    assertEquals(Set.of(1), p.eosTokenIds());
    assertThrows(UnsupportedOperationException.class, () -> p.stopStrings().add("c"));
  }

  @Test
  void withEosTokenIdsReplacesOnlyTheEosIds() {
    GenerationParams p = GenerationParams.builder().maxNewTokens(7).temperature(0.7).seed(5)
        .stopString("z").eosTokenId(1).build();
    GenerationParams q = p.withEosTokenIds(Set.of(2, 3));
    assertEquals(Set.of(2, 3), q.eosTokenIds());
    assertEquals(7, q.maxNewTokens());
    assertEquals(0.7, q.temperature());
    assertEquals(5L, q.seed());
    assertEquals(List.of("z"), q.stopStrings());
    assertRejected("eosTokenIds", b -> {
      b.build().withEosTokenIds(Set.of(-4));
      return b;
    });
  }
}
