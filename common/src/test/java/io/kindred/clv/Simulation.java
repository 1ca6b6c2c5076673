package io.kindred.clv;

import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * Simulates customers from the models' own generative stories, in plain Java with a fixed seed: for tests that
 * recover known parameters and for the benchmark.
 */
final class Simulation {

  /** One simulated customer's summary. */
  record History(int x, double tx, double age) {
  }

  private final RandomGenerator random;

  Simulation(long seed) {
    this.random = new Well19937c(seed);
  }

  double uniform(double low, double high) {
    return low + (high - low) * random.nextDouble();
  }

  /**
   * BG/NBD ({@code modified = false}): rate {@code lambda ~ Gamma(shape r, rate alpha)}, dropout probability
   * {@code p ~ Beta(a, b)}; purchases arrive as a Poisson process from the first purchase at 0; after each repeat
   * purchase the customer drops out with probability p. MBG/NBD ({@code modified = true}) also drops out with
   * probability p right after the first purchase.
   */
  History betaGeometric(boolean modified, double r, double alpha, double a, double b, double age) {
    double lambda = new GammaDistribution(random, r, 1 / alpha).sample();
    double p = new BetaDistribution(random, a, b).sample();
    if (modified && random.nextDouble() < p) {
      return new History(0, 0, age);
    }
    int x = 0;
    double t = 0;
    double tx = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / lambda;
      if (t > age) {
        break;
      }
      x++;
      tx = t;
      if (random.nextDouble() < p) {
        break;
      }
    }
    return new History(x, tx, age);
  }

  /**
   * Gamma-Gamma: {@code nu ~ Gamma(shape q, rate gamma)}, each of the {@code x} transaction values
   * {@code ~ Gamma(shape p, rate nu)}; returns their mean.
   */
  double meanSpend(double p, double q, double gamma, int x) {
    double nu = new GammaDistribution(random, q, 1 / gamma).sample();
    GammaDistribution value = new GammaDistribution(random, p, 1 / nu);
    double sum = 0;
    for (int i = 0; i < x; i++) {
      sum += value.sample();
    }
    return sum / x;
  }

  /**
   * Pareto/NBD: rate {@code lambda ~ Gamma(shape r, rate alpha)}, dropout rate {@code mu ~ Gamma(shape s, rate beta)};
   * the customer is alive for an exponential time with rate mu after the first purchase at 0 and buys as a Poisson
   * process with rate lambda while alive. Returns the repeat purchase times in {@code (0, horizon]}, ascending.
   */
  double[] paretoNbdPurchases(double r, double alpha, double s, double beta, double horizon) {
    double lambda = new GammaDistribution(random, r, 1 / alpha).sample();
    double mu = new GammaDistribution(random, s, 1 / beta).sample();
    double end = Math.min(horizon, -Math.log(1 - random.nextDouble()) / mu);
    java.util.List<Double> times = new java.util.ArrayList<>();
    double t = 0;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / lambda;
      if (t > end) {
        break;
      }
      times.add(t);
    }
    return times.stream().mapToDouble(Double::doubleValue).toArray();
  }
}
