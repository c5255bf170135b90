package dev.alibi4j.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.alibi4j.engine.bias.SlopeScheme;
import dev.alibi4j.engine.nn.Activation;
import dev.alibi4j.engine.nn.QkvLayout;
import org.junit.jupiter.api.Test;

class TransformerConfigTest {

  static TransformerConfig config(int hidden, int heads) {
    return TransformerConfig.builder()
        .vocabSize(100).hiddenSize(hidden).numHeads(heads).numLayers(2).ffnHiddenSize(4 * hidden)
        .qkvLayout(QkvLayout.CONTIGUOUS).activation(Activation.GELU_EXACT).slopes(SlopeScheme.MPT, 8)
        .build();
  }

  @Test
  void headDimIsHiddenOverHeads() {
    assertEquals(8, config(48, 6).headDim());
  }

  @Test
  void softmaxScaleDefaultsToOneOverRootHeadDim() {
    assertEquals(1 / Math.sqrt(8), config(48, 6).softmaxScale(), 1e-15);
  }

  @Test
  void missingRequiredSettingsAreNamed() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> TransformerConfig.builder().vocabSize(10).hiddenSize(8).numHeads(2).numLayers(1).build());
    assertTrue(e.getMessage().contains("ffnHiddenSize"), e.getMessage());
  }

  @Test
  void aBuilderFromAConfigGivesAnEqualConfig() {
    TransformerConfig c = config(48, 6);
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void rejectsHiddenNotDivisibleByHeads() {
    var e = assertThrows(IllegalArgumentException.class, () -> config(50, 6));
    assertTrue(e.getMessage().contains("numHeads 6"), e.getMessage());
  }
}
