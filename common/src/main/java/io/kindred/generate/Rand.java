package io.kindred.generate;

import java.util.SplittableRandom;

/**
 * Deterministic random streams and the distributions the generator draws from. Every entity draws from its own
 * stream, seeded by a hash of (run seed, stream, entity id), so that a record does not depend on which partition
 * or in which order it is generated.
 */
public final class Rand {

  private Rand() {
  }

  /** The random stream of entity {@code id} in stream {@code stream} of a run seeded {@code seed}. */
  public static SplittableRandom stream(long seed, long stream, long id) {
    return new SplittableRandom(hash(seed, stream, id));
  }

  /** A well-mixed 64-bit hash of the three values. */
  public static long hash(long seed, long stream, long id) {
    long h = mix64(seed ^ 0x9E3779B97F4A7C15L);
    h = mix64(h ^ (stream * 0xC2B2AE3D27D4EB4FL));
    return mix64(h ^ (id * 0x165667B19E3779F9L));
  }

  /** A uniform double in [0, 1) that is a pure function of the three values. */
  public static double uniform(long seed, long stream, long id) {
    return (hash(seed, stream, id) >>> 11) * 0x1.0p-53;
  }

  static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }

  /** Gamma with the given shape and rate (mean shape / rate): Marsaglia and Tsang (2000). */
  public static double gamma(SplittableRandom rng, double shape, double rate) {
    if (shape < 1) {
      double u = rng.nextDouble();
      return gamma(rng, shape + 1, rate) * Math.pow(u == 0 ? Double.MIN_VALUE : u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = rng.nextGaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v / rate;
      }
    }
  }

  /** Beta(a, b) as X / (X + Y) of two gammas. */
  public static double beta(SplittableRandom rng, double a, double b) {
    double x = gamma(rng, a, 1);
    double y = gamma(rng, b, 1);
    return x / (x + y);
  }

  /** Exponential with the given rate. */
  public static double exponential(SplittableRandom rng, double rate) {
    return -Math.log(1 - rng.nextDouble()) / rate;
  }

  /** Poisson with the given mean (Knuth's product method below 30, a rounded normal above). */
  public static int poisson(SplittableRandom rng, double mean) {
    if (mean <= 0) {
      return 0;
    }
    if (mean < 30) {
      double limit = Math.exp(-mean);
      double product = rng.nextDouble();
      int k = 0;
      while (product > limit) {
        product *= rng.nextDouble();
        k++;
      }
      return k;
    }
    return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.nextGaussian()));
  }

  /** An index drawn with the given (unnormalised) weights. */
  public static int pick(SplittableRandom rng, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double u = rng.nextDouble() * total;
    double acc = 0;
    for (int i = 0; i < weights.length; i++) {
      acc += weights[i];
      if (u < acc && weights[i] > 0) {
        return i;
      }
    }
    for (int i = weights.length - 1; i >= 0; i--) {
      if (weights[i] > 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
