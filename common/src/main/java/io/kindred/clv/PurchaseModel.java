package io.kindred.clv;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The purchase-count model build-features fits and scores with ({@code kindred.features.clv.model}): BG/NBD,
 * Modified BG/NBD or Pareto/NBD. All take the same {@link RfmTriples} and give a {@link TransactionModel}; they
 * differ in when a customer may drop out: BG/NBD only right after a repeat purchase (so it holds customers without
 * one certainly alive), MBG/NBD also right after the first purchase, Pareto/NBD at any time.
 */
public enum PurchaseModel {
  BG_NBD(BgNbdParams.MODEL),
  MBG_NBD(ModifiedBgNbdParams.MODEL),
  PARETO_NBD(ParetoNbdParams.MODEL);

  /**
   * The setting {@code kindred.features.clv.model = auto}: every model is fitted and the one that predicts the holdout
   * best is used ({@link PurchaseModelSelection}).
   */
  public static final String AUTO = "auto";

  private final String code;

  PurchaseModel(String code) {
    this.code = code;
  }

  /**
   * The model's name in configuration and in {@code gold/clv_models}: {@code bg_nbd}, {@code mbg_nbd} or
   * {@code pareto_nbd}.
   */
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

  /** The values {@code kindred.features.clv.model} accepts: every model's code, then {@link #AUTO}. */
  public static List<String> settingValues() {
    return Stream.concat(Arrays.stream(values()).map(PurchaseModel::code), Stream.of(AUTO)).toList();
  }

  /**
   * Fits this model: {@link ClvFitter#fitBgNbdOrLimit}, {@link ClvFitter#fitModifiedBgNbdOrLimit} (each the
   * {@code a -> 0} boundary solution when the likelihood's supremum is there) or {@link ClvFitter#fitParetoNbd}, with
   * their errors.
   */
  public ClvFit<? extends TransactionModel> fit(RfmTriples data, FitOptions options) {
    return switch (this) {
      case BG_NBD -> ClvFitter.fitBgNbdOrLimit(data, options);
      case MBG_NBD -> ClvFitter.fitModifiedBgNbdOrLimit(data, options);
      case PARETO_NBD -> ClvFitter.fitParetoNbd(data, options);
    };
  }
}
