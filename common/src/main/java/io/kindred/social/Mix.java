package io.kindred.social;

/** A seeded, deterministic 64-bit mixer (SplitMix64's finaliser) for tie-breaking and update schedules. */
final class Mix {

  private Mix() {
  }

  static long mix64(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
