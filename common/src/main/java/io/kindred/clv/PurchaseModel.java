package io.kindred.clv;

import java.util.Arrays;
import java.util.Locale;

/**
 * The purchase-count model build-features fits and scores with ({@code kindred.features.clv.model}): BG/NBD or
 * Modified BG/NBD. Both take the same {@link RfmTriples} and give a {@link TransactionModel}; they differ for
 * customers without a repeat purchase, whom BG/NBD holds certainly alive and MBG/NBD does not.
 */
public enum PurchaseModel {
  BG_NBD(BgNbdParams.MODEL),
  MBG_NBD(ModifiedBgNbdParams.MODEL);

  private final String code;

  PurchaseModel(String code) {
    this.code = code;
  }

  /** The model's name in configuration and in {@code gold/clv_models}: {@code bg_nbd} or {@code mbg_nbd}. */
  public String code() {
    return code;
  }

  /**
   * The model named {@code code} (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the accepted names
   */
  public static PurchaseModel of(String code) {
    String wanted = code.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(m -> m.code.equals(wanted)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("Unknown purchase model '" + code + "'; expected one of "
            + Arrays.stream(values()).map(PurchaseModel::code).toList()));
  }

  /** Fits this model: {@link ClvFitter#fitBgNbd} or {@link ClvFitter#fitModifiedBgNbd}, with their errors. */
  public ClvFit<? extends TransactionModel> fit(RfmTriples data, FitOptions options) {
    return switch (this) {
      case BG_NBD -> ClvFitter.fitBgNbd(data, options);
      case MBG_NBD -> ClvFitter.fitModifiedBgNbd(data, options);
    };
  }
}
