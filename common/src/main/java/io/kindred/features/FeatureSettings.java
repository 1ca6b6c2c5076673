package io.kindred.features;

import io.kindred.clv.ClvHorizon;
import io.kindred.clv.FitOptions;
import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModel;
import io.kindred.config.KindredConfig;
import java.util.Arrays;
import java.util.Locale;

/**
 * The settings of {@code build-features}, read from {@code kindred.features} (see {@code conf/kindred.conf}) and
 * checked before any data moves.
 *
 * @param clvUnit time unit of the CLV summary and fit ({@code features.clv.unit}; {@code --clv-unit} overrides it)
 * @param segments the named RFM segments over the R x F score grid
 * @param quantileAccuracy accuracy of {@code percentile_approx} for the RFM quintile cut points
 * @param horizon the CLV horizon and monthly discount rate, in {@code clvUnit}
 * @param fitOptions the CLV fits' options: fewest repeat buyers and the Gamma-Gamma shape penalty from the
 *     configuration, the optimiser's from {@link FitOptions#DEFAULT}
 * @param purchaseModel the purchase model fitted each night; null for {@code auto} (chosen on the holdout window)
 * @param stateRetentionNights nights of {@code gold/customer_state} kept ({@link CustomerStateStore}); 0 keeps all
 * @param churnEnabled whether the churn model is trained, evaluated and applied
 * @param churnHorizonDays the churn label's horizon in days
 * @param churnRetrainDays a churn model trained fewer days before the night is reused; 0 retrains every night
 */
public record FeatureSettings(PeriodUnit clvUnit, RfmSegments segments, int quantileAccuracy, ClvHorizon horizon,
    FitOptions fitOptions, PurchaseModel purchaseModel, int stateRetentionNights, boolean churnEnabled,
    int churnHorizonDays, int churnRetrainDays) {

  /** Configuration keys, below {@code kindred.}. */
  public static final String SEGMENTS_KEY = "features.rfm-segments";
  public static final String ACCURACY_KEY = "features.quantile-accuracy";
  public static final String UNIT_KEY = "features.clv.unit";
  public static final String HORIZON_KEY = "features.clv.horizon-months";
  public static final String DISCOUNT_KEY = "features.clv.monthly-discount-rate";
  public static final String MIN_REPEAT_KEY = "features.clv.min-repeat-buyers";
  public static final String GG_SHAPE_PENALTY_KEY = "features.clv.gamma-gamma-shape-penalty";
  public static final String MODEL_KEY = "features.clv.model";
  public static final String RETENTION_KEY = "features.state-retention-nights";
  public static final String CHURN_ENABLED_KEY = "features.churn.enabled";
  public static final String CHURN_HORIZON_KEY = "features.churn.horizon-days";
  public static final String CHURN_RETRAIN_KEY = "features.churn.retrain-days";

  /**
   * Reads and checks the settings; a bad value fails naming its key, the value and what was expected.
   *
   * @param unit the CLV unit given on the command line, or null for the configured one
   */
  public static FeatureSettings fromConfig(KindredConfig config, PeriodUnit unit) {
    PeriodUnit clvUnit = unit != null ? unit : clvUnit(config.getString(UNIT_KEY));
    double shapePenalty = config.getDouble(GG_SHAPE_PENALTY_KEY);
    if (!(shapePenalty >= 0) || !Double.isFinite(shapePenalty)) {
      throw new IllegalArgumentException(KindredConfig.ROOT + "." + GG_SHAPE_PENALTY_KEY + " must be a finite "
          + "number >= 0, got " + shapePenalty);
    }
    FitOptions fitOptions = new FitOptions(FitOptions.DEFAULT.maxIterations(), FitOptions.DEFAULT.tolerance(),
        FitOptions.DEFAULT.memory(), config.getInt(MIN_REPEAT_KEY), shapePenalty);
    return new FeatureSettings(clvUnit, RfmSegments.fromConfig(config.raw(), KindredConfig.ROOT + "." + SEGMENTS_KEY),
        config.getInt(ACCURACY_KEY), ClvHorizon.of(config.getInt(HORIZON_KEY), config.getDouble(DISCOUNT_KEY),
            clvUnit), fitOptions, purchaseModel(config.getString(MODEL_KEY)), nonNegative(config, RETENTION_KEY),
        config.getBoolean(CHURN_ENABLED_KEY), config.getInt(CHURN_HORIZON_KEY), nonNegative(config, CHURN_RETRAIN_KEY));
  }

  /** The purchase model's name as the log and the run's details give it ({@code auto} when chosen by holdout). */
  public String purchaseModelName() {
    return purchaseModel == null ? PurchaseModel.AUTO : purchaseModel.code();
  }

  /** Fails naming the setting when {@code auto} has no holdout window to compare the models on. */
  public void requireHoldoutForAuto(boolean hasHoldout) {
    if (purchaseModel == null && !hasHoldout) {
      throw new IllegalArgumentException(KindredConfig.ROOT + "." + MODEL_KEY + " = " + PurchaseModel.AUTO
          + " compares the purchase models on the holdout window (as-of date, --holdout-end]: give --holdout-end, or "
          + "name one of " + Arrays.stream(PurchaseModel.values()).map(PurchaseModel::code).toList());
    }
  }

  private static PeriodUnit clvUnit(String name) {
    try {
      return PeriodUnit.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KindredConfig.ROOT + "." + UNIT_KEY + " is '" + name + "'; expected one of "
          + Arrays.stream(PeriodUnit.values()).map(u -> u.name().toLowerCase(Locale.ROOT)).toList(), e);
    }
  }

  /** The configured purchase model, null for {@code auto}; an unknown name fails naming the setting. */
  private static PurchaseModel purchaseModel(String name) {
    if (name.trim().equalsIgnoreCase(PurchaseModel.AUTO)) {
      return null;
    }
    try {
      return PurchaseModel.of(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(KindredConfig.ROOT + "." + MODEL_KEY + " is '" + name + "'; expected one of "
          + PurchaseModel.settingValues(), e);
    }
  }

  private static int nonNegative(KindredConfig config, String key) {
    int value = config.getInt(key);
    if (value < 0) {
      throw new IllegalArgumentException(KindredConfig.ROOT + "." + key + " is " + value + "; expected 0 or more");
    }
    return value;
  }
}
