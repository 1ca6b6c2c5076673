package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.allBut;
import static io.kindred.jobs.clean.CleanHarness.rows;
import static io.kindred.jobs.clean.CleanInteractionsJobTest.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.delta.tables.DeltaTable;
import io.kindred.clean.Feed;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.FollowColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.ops.RunMetrics;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * silver/customers and silver/follows updated in place (one MERGE of what a night changed) equal, night after night,
 * the tables rewritten whole from all input ({@code kindred.clean.incremental = false}, the former behaviour), and a
 * night's commit touches only the rows that changed.
 */
class IncrementalCleaningTest {

  @TempDir
  Path incrementalDir;
  @TempDir
  Path fullDir;

  static final LocalDate D1 = LocalDate.of(2026, 3, 1);
  static final LocalDate D2 = LocalDate.of(2026, 3, 2);
  static final LocalDate D3 = LocalDate.of(2026, 3, 3);
  static final LocalDate D4 = LocalDate.of(2026, 3, 4);

  /** The same raw files and runs on two lakehouses: one incremental, one rewritten whole. */
  final class Twin {
    final CleanHarness incremental = new CleanHarness(incrementalDir);
    final CleanHarness full = new CleanHarness(fullDir);
    final Feed feed;
    final String source;

    Twin(Feed feed) {
      this.feed = feed;
      this.source = CleanJob.defaultSource(feed);
      full.settings.put("kindred.clean.incremental", "false");
    }

    void write(LocalDate day, String... lines) throws Exception {
      String file = feed.code() + "/" + day + "/" + feed.code() + "-" + day + "-00000."
          + (feed == Feed.INTERACTIONS ? "jsonl" : "csv");
      incremental.write(file, lines);
      full.write(file, lines);
    }

    /** Runs one night on both; checks that the two tables are equal row for row; returns the incremental run. */
    RunMetrics night(LocalDate day, TableDef table) throws Exception {
      RunMetrics full = this.full.clean(feed, source, this.full.raw(feed.code()), day, day);
      RunMetrics inc = incremental.clean(feed, source, incremental.raw(feed.code()), day, day);
      String[] columns = allBut(table, LineageColumns.RUN_ID);
      assertEquals(rows(this.full.table(table), columns), rows(incremental.table(table), columns),
          table.relativePath() + " after the night of " + day);
      if (feed == Feed.INTERACTIONS) {
        assertEquals(graphCounts(full), graphCounts(inc), "follow-graph counts after the night of " + day);
      }
      return inc;
    }
  }

  /** The MERGE's row counts as the run recorded them: inserted, updated, deleted. */
  static List<String> merged(RunMetrics m, String prefix) {
    return List.of(m.details().get(prefix + "_rows_inserted"), m.details().get(prefix + "_rows_updated"),
        m.details().get(prefix + "_rows_deleted"));
  }

  /** The operation metrics of the table's latest Delta commit. */
  static Map<String, String> lastCommitMetrics(CleanHarness h, TableDef table) {
    return io.kindred.lake.DeltaWrites.lastCommit(DeltaTable.forPath(h.spark, h.lake.location(table).uri()))
        .operationMetrics();
  }

  static final String HEADER = CleanCustomersJobTest.HEADER;

  static String customer(String id, String email, String updatedAt) {
    return id + "," + email + ",,US,2026-03-01,true,," + updatedAt;
  }

  @Test
  void customersHistoryMergedNightByNightEqualsTheFullRewrite() throws Exception {
    Twin t = new Twin(Feed.CUSTOMERS);
    List<String> day1 = new ArrayList<>(List.of(HEADER,
        customer("C1", "a1@x.com", "2026-03-01T09:00:00Z"),
        customer("C2", "b1@x.com", "2026-03-01T10:00:00Z"),
        customer("C3", "c1@x.com", "2026-03-01T11:00:00Z")));
    for (int i = 10; i < 40; i++) {
      day1.add(customer("C" + i, "f" + i + "@x.com", "2026-03-01T12:00:00Z"));
    }
    t.write(D1, day1.toArray(String[]::new));
    RunMetrics n1 = t.night(D1, Tables.SILVER_CUSTOMERS);
    assertEquals(List.of("33", "0", "0"), merged(n1, "customers"));
    assertEquals("33", n1.details().get("customers_touched"));

    // a new version of C1: C1's first version closed (updated), the new one inserted; nothing else
    t.write(D2, HEADER, customer("C1", "a2@x.com", "2026-03-02T08:00:00Z"));
    RunMetrics n2 = t.night(D2, Tables.SILVER_CUSTOMERS);
    assertEquals(List.of("1", "1", "0"), merged(n2, "customers"));
    assertEquals("1", n2.details().get("customers_touched"));

    // late delivery: an older version of C2 (before its current one) and a new customer
    t.write(D3, HEADER, customer("C2", "b0@x.com", "2026-02-28T12:00:00Z"),
        customer("C4", "d1@x.com", "2026-03-03T09:00:00Z"));
    RunMetrics n3 = t.night(D3, Tables.SILVER_CUSTOMERS);
    assertEquals(List.of("2", "0", "0"), merged(n3, "customers"));

    // rerun of day 2 with another file: C1's 08:00 version is gone, a 09:00 one with another e-mail instead, and
    // C3 gets a version
    t.write(D2, HEADER, customer("C1", "a3@x.com", "2026-03-02T09:00:00Z"),
        customer("C3", "c2@x.com", "2026-03-02T10:00:00Z"));
    RunMetrics rerun = t.night(D2, Tables.SILVER_CUSTOMERS);
    // inserted C1@09:00 and C3@03-02; updated C1@03-01 (valid_to 08:00 -> 09:00), C3@03-01 (closed); deleted C1@08:00
    assertEquals(List.of("2", "2", "1"), merged(rerun, "customers"));
    assertEquals("2", rerun.details().get("customers_touched"));
    Map<String, String> commit = lastCommitMetrics(t.incremental, Tables.SILVER_CUSTOMERS);
    assertEquals(List.of("2", "2", "1"), List.of(commit.get("numTargetRowsInserted"),
        commit.get("numTargetRowsUpdated"), commit.get("numTargetRowsDeleted")));

    // a rerun of day 1 with the same file: only day 1's own rows are rewritten (they carry the new run's id)
    RunMetrics same = t.night(D1, Tables.SILVER_CUSTOMERS);
    assertEquals(List.of("0", "33", "0"), merged(same, "customers"));
    assertEquals("33", same.details().get("customers_touched"));

    // the history itself, for the customers that moved
    assertEquals(List.of(
            "C1|a1@x.com|2026-03-01T09:00:00Z|2026-03-02T09:00:00Z|false|2026-03-01",
            "C1|a3@x.com|2026-03-02T09:00:00Z|null|true|2026-03-02",
            "C2|b0@x.com|2026-02-28T12:00:00Z|2026-03-01T10:00:00Z|false|2026-03-03",
            "C2|b1@x.com|2026-03-01T10:00:00Z|null|true|2026-03-01",
            "C3|c1@x.com|2026-03-01T11:00:00Z|2026-03-02T10:00:00Z|false|2026-03-01",
            "C3|c2@x.com|2026-03-02T10:00:00Z|null|true|2026-03-02",
            "C4|d1@x.com|2026-03-03T09:00:00Z|null|true|2026-03-03"),
        rows(t.incremental.table(Tables.SILVER_CUSTOMERS).filter("customer_id IN ('C1', 'C2', 'C3', 'C4')"),
            "customer_id", "email", "valid_from", "valid_to", "is_current", "ingest_day"));
    assertEquals(37, t.incremental.table(Tables.SILVER_CUSTOMERS).count()); // 30 others + C1..C3 x2 + C4
  }

  static final String[] FOLLOWS = {FollowColumns.FOLLOWER, FollowColumns.FOLLOWEE, FollowColumns.VALID_FROM,
      FollowColumns.VALID_TO, FollowColumns.FOLLOW_EVENT_ID, FollowColumns.UNFOLLOW_EVENT_ID};

  static List<String> graphCounts(RunMetrics m) {
    return List.of(m.details().get("follow_edges"), m.details().get("follow_edges_active"),
        m.details().get("unfollows_without_follow"));
  }

  @Test
  void followsMergedNightByNightEqualTheFullRebuild() throws Exception {
    Twin t = new Twin(Feed.INTERACTIONS);
    List<String> day1 = new ArrayList<>(List.of(
        event("E01", "C1", "C2", "follow", "2026-03-01T08:00:00Z", null),
        event("E02", "C3", "C4", "follow", "2026-03-01T09:00:00Z", null),
        event("E03", "C5", "C6", "unfollow", "2026-03-01T10:00:00Z", null),
        event("E04", "C1", "C2", "like", "2026-03-01T10:30:00Z", null)));
    for (int i = 10; i < 40; i++) {
      day1.add(event("EF" + i, "U" + i, "C1", "follow", "2026-03-01T12:00:00Z", null));
    }
    t.write(D1, day1.toArray(String[]::new));
    RunMetrics n1 = t.night(D1, Tables.SILVER_FOLLOWS);
    // the first night builds the table whole (nothing to merge into)
    assertEquals(List.of("32", "32", "1"), graphCounts(n1));

    // C1 unfollows C2: one edge closed; a like changes nothing
    t.write(D2, event("E20a", "C1", "C2", "unfollow", "2026-03-02T09:00:00Z", null),
        event("E21a", "C3", "C4", "like", "2026-03-02T09:00:00Z", null));
    RunMetrics n2 = t.night(D2, Tables.SILVER_FOLLOWS);
    assertEquals(List.of("0", "1", "0"), merged(n2, "follows"));
    assertEquals("1", n2.details().get("follow_pairs_touched"));
    assertEquals(List.of("32", "31", "1"), graphCounts(n2));

    // late delivery for day 1: C3 unfollowed C4, and C5 had followed C6 before the unfollow that closed nothing
    t.write(D3, event("E30", "C3", "C4", "unfollow", "2026-03-01T10:00:00Z", null),
        event("E31", "C5", "C6", "follow", "2026-03-01T09:30:00Z", null));
    RunMetrics n3 = t.night(D3, Tables.SILVER_FOLLOWS);
    assertEquals(List.of("1", "1", "0"), merged(n3, "follows"));
    assertEquals(List.of("33", "30", "0"), graphCounts(n3));

    // rerun of day 2 with another file: the unfollow is another event, two hours later
    t.write(D2, event("E20b", "C1", "C2", "unfollow", "2026-03-02T11:00:00Z", null));
    RunMetrics rerun = t.night(D2, Tables.SILVER_FOLLOWS);
    assertEquals(List.of("0", "1", "0"), merged(rerun, "follows"));
    assertEquals(List.of("33", "30", "0"), graphCounts(rerun));

    // rerun of day 1 without C3's follow: its edge is gone and the late unfollow closes nothing any more
    day1.remove(1);
    t.write(D1, day1.toArray(String[]::new));
    RunMetrics rerun1 = t.night(D1, Tables.SILVER_FOLLOWS);
    assertEquals(List.of("0", "0", "1"), merged(rerun1, "follows"));
    assertEquals(List.of("32", "30", "1"), graphCounts(rerun1));
    Map<String, String> commit = lastCommitMetrics(t.incremental, Tables.SILVER_FOLLOWS);
    assertEquals(List.of("0", "0", "1"), List.of(commit.get("numTargetRowsInserted"),
        commit.get("numTargetRowsUpdated"), commit.get("numTargetRowsDeleted")));

    assertEquals(List.of(
            "C1|C2|2026-03-01T08:00:00Z|2026-03-02T11:00:00Z|E01|E20b",
            "C5|C6|2026-03-01T09:30:00Z|2026-03-01T10:00:00Z|E31|E03"),
        rows(t.incremental.table(Tables.SILVER_FOLLOWS).filter("follower LIKE 'C%'"), FOLLOWS));
  }
}
