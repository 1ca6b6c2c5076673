package io.kindred.jobs.clean;

import io.kindred.jobs.GenerateCommand;
import io.kindred.lake.Location;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaning stage against a sample's truth (see {@link TruthCheck}): a small sample made by {@code kindred
 * generate}, and a hand-written one in the generator's layout.
 */
class GeneratorTruthTest {

  @TempDir
  Path dir;

  static String bad(String feed, String day, String reason, String id, String raw) {
    return "{\"feed\":\"" + feed + "\",\"day\":\"" + day + "\",\"reason\":\"" + reason + "\",\"record_id\":\"" + id
        + "\",\"raw\":\"" + raw.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  @Test
  void handWrittenSampleMatchesItsTruth() throws Exception {
    CleanHarness h = new CleanHarness(dir);
    String[] d1 = CleanTransactionsJobTest.DAY1_LINES;
    String[] d2 = CleanTransactionsJobTest.DAY2_LINES;
    h.write("transactions/2026-03-01/transactions-2026-03-01-00000.csv", d1);
    h.write("transactions/2026-03-02/transactions-2026-03-02-00000.jsonl", d2);
    h.write("fx_rates/2026-03-01/fx_rates-2026-03-01-00000.csv", "date,currency,rate_to_usd",
        "2026-03-01,USD,1", "2026-03-01,EUR,1.10", "2026-03-01,JPY,0.0067");
    h.write("fx_rates/2026-03-02/fx_rates-2026-03-02-00000.csv", "date,currency,rate_to_usd",
        "2026-03-02,USD,1", "2026-03-02,EUR,1.20");
    String[] c1 = CleanCustomersJobTest.DAY1;
    h.write("customers/2026-03-01/customers-2026-03-01-00000.csv", c1);
    h.write("customers/2026-03-02/customers-2026-03-02-00000.csv", CleanCustomersJobTest.HEADER);
    String[] i1 = CleanInteractionsJobTest.DAY1;
    h.write("interactions/2026-03-01/interactions-2026-03-01-00000.jsonl", i1);
    h.write("interactions/2026-03-02/interactions-2026-03-02-00000.jsonl");
    String t = "transactions";
    String day1 = "2026-03-01";
    String day2 = "2026-03-02";
    h.write("truth/bad_records.jsonl",
        bad(t, day1, "bad_timestamp", "T000000000004", d1[3]),
        bad(t, day1, "bad_timestamp", "T000000000005", d1[4]),
        bad(t, day1, "missing_customer_id", "T000000000006", d1[5]),
        bad(t, day1, "future_timestamp", "T000000000007", d1[6]),
        bad(t, day1, "non_positive_amount", "T000000000008", d1[7]),
        bad(t, day1, "unknown_currency", "T000000000009", d1[8]),
        bad(t, day1, "malformed_record", "T000000000010", d1[9]),
        bad(t, day1, "bad_number", "T000000000011", d1[10]),
        bad(t, day1, "exact_duplicate", "T000000000001", d1[11]),
        bad(t, day2, "conflicting_duplicate", "T000000000001", d2[1]),
        bad(t, day2, "exact_duplicate", "T000000000001", d2[2]),
        bad(t, day2, "missing_fx_rate", "T000000000022", d2[4]),
        bad(t, day2, "missing_customer_id", "T000000000023", d2[5]),
        bad(t, day2, "malformed_record", "T000000000024", d2[6]),
        bad("customers", day1, "missing_customer_id", "", c1[4]),
        bad("customers", day1, "malformed_record", "C00000005", c1[5]),
        bad("customers", day1, "exact_duplicate", "C00000002", c1[6]),
        bad("interactions", day1, "rating_out_of_range", "E000000000007", i1[6]),
        bad("interactions", day1, "self_interaction", "E000000000008", i1[7]),
        bad("interactions", day1, "unknown_interaction_type", "E000000000009", i1[8]),
        bad("interactions", day1, "exact_duplicate", "E000000000010", i1[10]),
        bad("interactions", day1, "malformed_record", "E000000000012", i1[11]),
        bad("interactions", day1, "rating_out_of_range", "E000000000013", i1[12]),
        bad("interactions", day1, "future_timestamp", "E000000000016", i1[15]));

    TruthCheck.check(h, dir.resolve("raw"), LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2));
  }

  @Test
  void generatedSampleMatchesItsTruth() throws Exception {
    CleanHarness h = new CleanHarness(dir);
    LocalDate runDate = LocalDate.of(2026, 3, 10);
    int days = 10;
    Path out = dir.resolve("generated");
    // dirtier than the default, so that every reason occurs in a small sample
    for (io.kindred.quality.Reason reason : io.kindred.generate.GeneratorSettings.DIRT_REASONS) {
      h.settings.put("kindred.generate.dirt." + reason.code(),
          reason.code().equals("rating_out_of_range") ? "0.2" : "0.02");
    }
    GenerateCommand.generate(h.context("generate", runDate), 400, days, 7, Location.of(out), true);
    java.util.Set<String> reasons = new java.util.TreeSet<>();
    TruthCheck.badRecords(out).forEach(b -> reasons.add(b.reason()));
    java.util.Set<String> all = new java.util.TreeSet<>();
    io.kindred.generate.GeneratorSettings.DIRT_REASONS.forEach(r -> all.add(r.code()));
    org.junit.jupiter.api.Assertions.assertEquals(all, reasons, "the sample holds every kind of bad record");

    TruthCheck.check(h, out, runDate.minusDays(days - 1L), runDate);
  }
}
