package io.kindred.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clv.PeriodUnit;
import io.kindred.clv.PurchaseModel;
import io.kindred.config.KindredConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link FeatureSettings}: the values of conf/kindred.conf, overrides, and a clear error for each bad value. */
class FeatureSettingsTest {

  private static FeatureSettings read(Map<String, ?> overrides, PeriodUnit unit) {
    return FeatureSettings.fromConfig(KindredConfig.load(null, overrides), unit);
  }

  private static String error(Map<String, ?> overrides) {
    return assertThrows(IllegalArgumentException.class, () -> read(overrides, null)).getMessage();
  }

  @Test
  void defaultsAreTheShippedConfiguration() {
    FeatureSettings s = read(Map.of(), null);
    // the values written in conf/kindred.conf, features { ... }
    assertEquals(PeriodUnit.WEEKS, s.clvUnit());
    assertEquals(10000, s.quantileAccuracy());
    assertEquals(12, s.horizon().months());
    assertEquals(0.01, s.horizon().monthlyDiscountRate(), 0.0);
    assertEquals(10, s.fitOptions().minRepeatBuyers());
    assertEquals(0.0, s.fitOptions().gammaGammaShapePenalty(), 0.0);
    assertEquals(PurchaseModel.BG_NBD, s.purchaseModel());
    assertEquals("bg_nbd", s.purchaseModelName());
    assertEquals(35, s.stateRetentionNights());
    assertTrue(s.churnEnabled());
    assertEquals(90, s.churnHorizonDays());
    assertEquals(7, s.churnRetrainDays());
    assertEquals(10, s.segments().segmentNames().size());
  }

  @Test
  void overridesAndTheCommandLineUnitWin() {
    FeatureSettings s = read(Map.of("kindred.features.clv.model", "auto", "kindred.features.clv.unit", "days",
        "kindred.features.churn.enabled", "false", "kindred.features.clv.gamma-gamma-shape-penalty", "0.005"), null);
    assertNull(s.purchaseModel());
    assertEquals("auto", s.purchaseModelName());
    assertEquals(PeriodUnit.DAYS, s.clvUnit());
    assertEquals(30.0, s.horizon().monthLength(), 0.0); // a month in days (4.345 in weeks)
    assertFalse(s.churnEnabled());
    assertEquals(0.005, s.fitOptions().gammaGammaShapePenalty(), 0.0);
    assertEquals(PeriodUnit.WEEKS, read(Map.of("kindred.features.clv.unit", "days"), PeriodUnit.WEEKS).clvUnit());
  }

  @Test
  void badValuesFailNamingTheSetting() {
    assertEquals("kindred.features.clv.gamma-gamma-shape-penalty must be a finite number >= 0, got -0.1",
        error(Map.of("kindred.features.clv.gamma-gamma-shape-penalty", "-0.1")));
    assertEquals("kindred.features.state-retention-nights is -1; expected 0 or more",
        error(Map.of("kindred.features.state-retention-nights", "-1")));
    assertEquals("kindred.features.churn.retrain-days is -2; expected 0 or more",
        error(Map.of("kindred.features.churn.retrain-days", "-2")));
    assertTrue(error(Map.of("kindred.features.clv.model", "bgnbd")).startsWith(
        "kindred.features.clv.model is 'bgnbd'; expected one of "), "an unknown model names the setting");
    assertEquals("kindred.features.clv.unit is 'months'; expected one of [days, weeks]",
        error(Map.of("kindred.features.clv.unit", "months")));
  }

  @Test
  void autoNeedsAHoldoutWindow() {
    FeatureSettings auto = read(Map.of("kindred.features.clv.model", "auto"), null);
    auto.requireHoldoutForAuto(true);
    read(Map.of(), null).requireHoldoutForAuto(false);
    String message = assertThrows(IllegalArgumentException.class, () -> auto.requireHoldoutForAuto(false))
        .getMessage();
    assertTrue(message.startsWith("kindred.features.clv.model = auto compares the purchase models on the holdout "
        + "window (as-of date, --holdout-end]: give --holdout-end"), message);
  }
}
