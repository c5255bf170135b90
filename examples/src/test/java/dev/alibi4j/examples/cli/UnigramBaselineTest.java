package dev.alibi4j.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class UnigramBaselineTest {

  @Test
  void addOneSmoothedFrequenciesOverScoredTokens() {
    int[] train = {0, 0, 0, 1}; // counts 3, 1, 0 over vocab 3; total 4 + 3 = 7
    int[] scored = {2, 0, 1, 0}; // one window of 4: positions 1..3 are scored (0, 1, 0)
    double expected = Math.exp(-(Math.log(4.0 / 7) + Math.log(2.0 / 7) + Math.log(4.0 / 7)) / 3);
    assertEquals(expected, UnigramBaseline.perplexity(train, scored, 3, 4, 4), 1e-12);
  }
}
