package dev.alibi4j.engine.kernel;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.alibi4j.engine.kernel.KernelFixtures.Stored;
import dev.alibi4j.engine.tensor.WeightType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Several Java threads sharing one vector kernel (its pool, its job and its pairing buffer) each
 * get their own product. Checked against float64 with the product tolerance rather than bit for
 * bit: the same call alone gives results whose last bit changes once the JIT has compiled the
 * kernel (the order of its lane reductions differs between tiers).
 */
class ConcurrentMultiplyTest {

  /** One caller's work: a matrix, an input, and the float64 answer with its tolerance. */
  record Call(Stored w, float[] x, int rows, double[] exact, double[] tolerance) {}

  @Test
  void concurrentCallersGetTheirOwnResults() throws Exception {
    assumeTrue(Kernels.vectorAvailable(), "needs --add-modules jdk.incubator.vector");
    Kernel kernel = KernelFixtures.vector2();
    // one-row float16 and bfloat16 use the shared pairing buffer; the others the scratch rows
    WeightType[] types = {WeightType.F16, WeightType.BF16, WeightType.Q8_0, WeightType.F32, WeightType.F16, WeightType.BF16};
    int[] rows = {1, 1, 3, 2, 4, 1};
    int[] cols = {96, 160, 96, 33, 64, 24};
    List<Call> calls = new ArrayList<>();
    for (int c = 0; c < types.length; c++) {
      Stored w = KernelFixtures.random(types[c], 67 + c, cols[c], c);
      float[] x = KernelFixtures.gaussian(rows[c] * cols[c], 100 + c);
      double[][] reference = KernelFixtures.reference(w, x, rows[c]);
      double[] tolerance = new double[reference[0].length];
      for (int j = 0; j < tolerance.length; j++) {
        tolerance[j] = MultiplyMatchesReferenceTest.tolerance(kernel, types[c], rows[c], cols[c], reference[1][j], reference[0][j]);
      }
      calls.add(new Call(w, x, rows[c], reference[0], tolerance));
    }
    CyclicBarrier start = new CyclicBarrier(calls.size());
    ExecutorService callers = Executors.newFixedThreadPool(calls.size());
    try {
      List<Future<?>> done = new ArrayList<>();
      for (Call call : calls) {
        done.add(callers.submit(() -> {
          start.await();
          float[] y = new float[call.exact().length];
          for (int i = 0; i < 300; i++) {
            kernel.multiply(call.w().matrix(), call.x(), y, call.rows());
            for (int j = 0; j < y.length; j++) {
              if (!(Math.abs(y[j] - call.exact()[j]) <= call.tolerance()[j])) {
                fail(call.w().matrix().type() + " call " + i + ": y[" + j + "] = " + y[j] + ", expected " + call.exact()[j]);
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(2, TimeUnit.MINUTES); // rethrows a caller's failure; a deadlock fails too
      }
    } finally {
      callers.shutdownNow();
    }
  }
}
