package io.kindred.generate;

import java.util.Arrays;
import java.util.Locale;

/** The latent customer archetypes the generator plants; a segmentation should recover them. */
public enum Archetype {
  CHAMPIONS, LOYAL, NEW, BARGAIN_HUNTERS, AT_RISK, CHURNED, INFLUENCERS;

  /** The code used in configuration and truth files, e.g. {@code bargain_hunters}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The archetype with this code. */
  public static Archetype ofCode(String code) {
    return Arrays.stream(values()).filter(a -> a.code().equals(code)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown archetype '" + code + "'; expected one of "
            + Arrays.stream(values()).map(Archetype::code).toList()));
  }
}
