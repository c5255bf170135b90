package dev.alibi4j.examples.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019) with global gradient-norm clipping. Decay applies to
 * matrices only, not to layer-norm gains. Gradients are zeroed after each step.
 */
final class AdamW {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.95f;
  private static final float EPS = 1e-8f;

  private final List<NDArray> params;
  private final List<NDArray> firstMoments = new ArrayList<>();
  private final List<NDArray> secondMoments = new ArrayList<>();
  private final float weightDecay;
  private final float clipNorm;
  private int step;

  AdamW(NDManager manager, Collection<NDArray> params, double weightDecay, double clipNorm) {
    this.params = List.copyOf(params);
    this.weightDecay = (float) weightDecay;
    this.clipNorm = (float) clipNorm;
    for (NDArray p : this.params) {
      NDArray m = manager.zeros(p.getShape());
      NDArray v = manager.zeros(p.getShape());
      NDScope.unregister(m, v);
      firstMoments.add(m);
      secondMoments.add(v);
    }
  }

  /**
   * Applies one update with learning rate {@code lr}; returns the gradient norm before clipping.
   * A non-finite gradient is dropped (the parameters stay as they were) and NaN is returned.
   */
  float update(double lr) {
    float norm = globalNorm();
    if (!Float.isFinite(norm)) {
      for (NDArray p : params) {
        p.getGradient().muli(0); // drop it: PyTorch would add the next gradient to it
      }
      return Float.NaN;
    }
    step++;
    float scale = norm > clipNorm ? clipNorm / norm : 1f;
    float correction1 = (float) (1 - Math.pow(BETA1, step));
    float correction2 = (float) (1 - Math.pow(BETA2, step));
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray g = p.getGradient();
      if (scale != 1f) {
        g.muli(scale);
      }
      NDArray m = firstMoments.get(i).muli(BETA1).addi(g.mul(1 - BETA1)); // [same as p]
      NDArray v = secondMoments.get(i).muli(BETA2).addi(g.mul(g).muli(1 - BETA2));
      NDArray update = m.div(correction1).divi(v.div(correction2).sqrt().addi(EPS));
      if (p.getShape().dimension() > 1 && weightDecay > 0) {
        update.addi(p.mul(weightDecay));
      }
      p.subi(update.muli((float) lr));
      g.subi(g); // zero in place: PyTorch accumulates gradients
    }
    return norm;
  }

  private float globalNorm() {
    double sum = 0;
    for (NDArray p : params) {
      NDArray g = p.getGradient();
      sum += g.mul(g).sum().getFloat();
    }
    return (float) Math.sqrt(sum);
  }
}
