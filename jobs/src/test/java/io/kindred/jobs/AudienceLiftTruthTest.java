package io.kindred.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kindred.clean.Feed;
import io.kindred.config.KindredConfig;
import io.kindred.jobs.clean.CleanJob;
import io.kindred.jobs.clean.CleanOptions;
import io.kindred.jobs.cli.JobContext;
import io.kindred.jobs.segments.SegmentSettings;
import io.kindred.lake.Lakehouse;
import io.kindred.lake.Location;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.lake.Tables.AudienceLiftColumns;
import io.kindred.segments.Audiences;
import io.kindred.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * measure-audiences against the generator's ground truth: a campaign planted with a 20% uplift in purchase rate on
 * an audience of 3,000 customers is measured with an interval holding 20%, and a placebo audience of the same
 * customers (groups drawn by another audience name, nothing planted) with intervals holding 0.
 *
 * <p>The audiences' stays are written here from the generator's truth (every customer of the campaign's audience who
 * had bought by the campaign night, entering that night), not published from a segmentation: what is tested is the
 * plant, the cleaning of what it planted, and the measurement.
 */
class AudienceLiftTruthTest {

  static final LocalDate END = LocalDate.of(2026, 3, 31);
  static final int DAYS = 60;
  static final int CUSTOMERS = 3_000;
  static final String CAMPAIGN = "spring-campaign";
  static final String PLACEBO = "placebo";

  private final SparkSession spark = SharedSpark.session();

  private JobContext context(Path lakehouse, String job, LocalDate date) {
    Map<String, String> settings = new HashMap<>();
    settings.put("kindred.lakehouse", lakehouse.toString());
    settings.put("kindred.generate.campaign.audience", CAMPAIGN);
    settings.put("kindred.generate.campaign.customers", Integer.toString(CUSTOMERS));
    settings.put("kindred.generate.campaign.night-before-end", "14");
    settings.put("kindred.generate.campaign.days", "14");
    settings.put("kindred.generate.campaign.purchase-uplift", "0.2");
    // half of each audience in control, for the narrowest intervals a group of this size gives
    settings.put("kindred.audiences.control.shares." + CAMPAIGN, "0.5");
    settings.put("kindred.audiences.control.shares." + PLACEBO, "0.5");
    KindredConfig config = KindredConfig.load(null, settings);
    return new JobContext(spark, config, new Lakehouse(Location.of(lakehouse)), date, job);
  }

  @Test
  void aPlantedUpliftIsMeasuredWithinItsIntervalAndAPlaceboShowsNone(@TempDir Path dir) throws Exception {
    Path lakehouse = dir.resolve("lake");
    LocalDate night = END.minusDays(14);
    GenerateCommand.generate(context(lakehouse, "generate", END), CUSTOMERS, DAYS, 7,
        Location.of(lakehouse.resolve("raw")), false);
    CleanJob.run(context(lakehouse, "clean-transactions", END), Feed.TRANSACTIONS, new CleanOptions()
        .withInput(lakehouse.resolve("raw/transactions").toString()).withFromDate(END.minusDays(DAYS - 1L)));

    // the truth: each customer's campaign group, drawn as publish-audiences draws it, and the purchases planted
    Audiences.ControlGroups control = SegmentSettings.controlGroups(context(lakehouse, "test", END).config());
    List<String> lines = Files.readAllLines(lakehouse.resolve("raw/truth/customers.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    int group = header.indexOf("campaign_group");
    int planted = header.indexOf("campaign_purchases");
    int firstPurchase = header.indexOf("first_purchase_at");
    List<Row> stays = new ArrayList<>();
    long[] plantedBy = new long[2];
    long[] members = new long[2];
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      assertEquals(Audiences.groupOf(control, CAMPAIGN, f[0]), f[group], line);
      boolean isControl = f[group].equals(AudienceColumns.CONTROL);
      plantedBy[isControl ? 1 : 0] += Long.parseLong(f[planted]);
      if (!LocalDate.parse(f[firstPurchase].substring(0, 10)).isAfter(night)) {
        members[isControl ? 1 : 0]++;
        for (String audience : List.of(CAMPAIGN, PLACEBO)) {
          stays.add(RowFactory.create(f[0], audience, Audiences.FILTER, Audiences.groupOf(control, audience, f[0]),
              Date.valueOf(night), null));
        }
      }
    }
    assertEquals(0, plantedBy[1], "nothing planted in the control group");
    assertTrue(plantedBy[0] > 100, plantedBy[0] + " purchases planted");
    // the control share within three binomial standard deviations of one half
    long n = members[0] + members[1];
    assertTrue(Math.abs(members[1] - n / 2.0) < 3 * Math.sqrt(n * 0.25), members[1] + " of " + n + " in control");
    Lakehouse lake = new Lakehouse(Location.of(lakehouse));
    lake.createIfNotExists(spark, Tables.GOLD_AUDIENCE_MEMBERSHIP);
    spark.createDataFrame(stays, Tables.GOLD_AUDIENCE_MEMBERSHIP.schema()).write().format("delta").mode("append")
        .save(lake.location(Tables.GOLD_AUDIENCE_MEMBERSHIP).uri());

    // no features built in this world: the change in CLV has no values to measure
    lake.createIfNotExists(spark, Tables.GOLD_CUSTOMER_FEATURES);
    new MeasureAudiencesCommand().window(14).measure(context(lakehouse, "measure-audiences", END));

    Map<String, Row> lift = new HashMap<>();
    for (Row r : lake.read(spark, Tables.GOLD_AUDIENCE_LIFT).collectAsList()) {
      lift.put(r.getAs(AudienceLiftColumns.AUDIENCE) + "/" + r.getAs(AudienceLiftColumns.METRIC), r);
    }
    assertEquals(8, lift.size());
    Row clv = lift.get(CAMPAIGN + "/" + AudienceLiftColumns.CLV_CHANGE_PER_CUSTOMER);
    assertEquals(List.of(0L, 0L, AudienceLiftColumns.TOO_SMALL), List.of(clv.getAs(
        AudienceLiftColumns.TREATMENT_CUSTOMERS), clv.getAs(AudienceLiftColumns.CONTROL_CUSTOMERS),
        clv.getAs(AudienceLiftColumns.STATUS)));
    Row campaign = lift.get(CAMPAIGN + "/" + AudienceLiftColumns.PURCHASES_PER_CUSTOMER);
    assertEquals(List.of(members[0], members[1], 14, AudienceLiftColumns.MEASURED), List.of(
        campaign.getAs(AudienceLiftColumns.TREATMENT_CUSTOMERS), campaign.getAs(AudienceLiftColumns.CONTROL_CUSTOMERS),
        campaign.getAs(AudienceLiftColumns.DAYS_OBSERVED), campaign.getAs(AudienceLiftColumns.STATUS)));
    double low = campaign.getAs(AudienceLiftColumns.RELATIVE_LIFT_LOW);
    double high = campaign.getAs(AudienceLiftColumns.RELATIVE_LIFT_HIGH);
    assertTrue(low <= 0.2 && 0.2 <= high, "the planted 20% within the interval " + low + " .. " + high);
    for (String metric : List.of(AudienceLiftColumns.CONVERSION_RATE, AudienceLiftColumns.PURCHASES_PER_CUSTOMER,
        AudienceLiftColumns.NET_REVENUE_PER_CUSTOMER)) {
      Row placebo = lift.get(PLACEBO + "/" + metric);
      double pLow = placebo.getAs(AudienceLiftColumns.ABSOLUTE_LIFT_LOW);
      double pHigh = placebo.getAs(AudienceLiftColumns.ABSOLUTE_LIFT_HIGH);
      assertTrue(pLow <= 0 && 0 <= pHigh, "no lift in the placebo's " + metric + ": " + pLow + " .. " + pHigh);
    }
    System.out.println("planted 20%: measured " + campaign.getAs(AudienceLiftColumns.RELATIVE_LIFT) + " (" + low
        + " .. " + high + "), p = " + campaign.getAs(AudienceLiftColumns.P_VALUE));
  }
}
