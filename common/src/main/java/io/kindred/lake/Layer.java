package io.kindred.lake;

/** The folders of a lakehouse root, in the order data flows through them. */
public enum Layer {
  /** Raw inputs as the sources deliver them (files, not Delta). */
  RAW("raw"),
  /** Cleaned, canonical Delta tables. */
  SILVER("silver"),
  /** Features, models' outputs, segments and audiences. */
  GOLD("gold"),
  /** Rejected rows with their reason codes, one table per silver table. */
  QUARANTINE("quarantine"),
  /** Operational tables: run metrics. */
  OPS("ops"),
  /** Saved MLlib models. */
  MODELS("models");

  private final String folder;

  Layer(String folder) {
    this.folder = folder;
  }

  public String folder() {
    return folder;
  }
}
