package io.kindred.jobs.clean;

import static io.kindred.jobs.clean.CleanHarness.allBut;
import static io.kindred.jobs.clean.CleanHarness.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kindred.clean.Feed;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.FollowColumns;
import io.kindred.lake.Tables.InteractionColumns;
import io.kindred.lake.Tables.LineageColumns;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.ops.RunMetrics;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clean-interactions: the interaction rules and the follow graph rebuilt across days. */
class CleanInteractionsJobTest {

  static String event(String id, String actor, String target, String type, String ts, String rating) {
    return "{\"event_id\":\"" + id + "\",\"actor\":\"" + actor + "\",\"target\":\"" + target + "\",\"type\":\""
        + type + "\",\"timestamp\":\"" + ts + "\"" + (rating == null ? "" : ",\"rating\":" + rating) + "}";
  }

  static final String E10 = event("E000000000010", "C00000002", "C00000001", "follow", "2026-03-01T12:00:00+02:00",
      null);
  static final String[] DAY1 = {
      event("E000000000001", "C00000001", "C00000002", "follow", "2026-03-01T08:00:00Z", null),
      event("E000000000002", "C00000001", "C00000002", "like", "2026-03-01T08:30:00Z", null),
      event("E000000000003", "C00000001", "C00000002", "unfollow", "2026-03-01T09:00:00Z", null),
      event("E000000000004", "C00000001", "C00000002", "follow", "2026-03-01T10:00:00Z", null),
      event("E000000000005", "C00000003", "C00000004", "unfollow", "2026-03-01T10:00:00Z", null),
      event("E000000000006", "C00000001", "P00001", "review", "2026-03-01T11:00:00Z", "5"),
      event("E000000000007", "C00000002", "P00001", "review", "2026-03-01T11:00:00Z", "6"),
      event("E000000000008", "C00000001", "C00000001", "like", "2026-03-01T11:00:00Z", null),
      event("E000000000009", "C00000001", "C00000002", "poke", "2026-03-01T11:00:00Z", null),
      E10,
      E10,
      "{\"event_id\":\"E000000000012\" \"actor\":\"C00000001\"}",
      event("E000000000013", "C00000003", "P00002", "review", "2026-03-01T11:00:00Z", null),
      event("E000000000014", "C00000002", "C00000001", "follow", "2026-03-01T13:00:00Z", null),
      event("E000000000015", "S00000001", "C00000001", "comment", "2026-03-02T01:00:00+02:00", null),
      event("E000000000016", "C00000001", "C00000002", "share", "2026-03-03T00:00:00Z", null),
  };

  @TempDir
  Path dir;

  @Test
  void interactionsAreCheckedAndTheFollowGraphRebuilt() throws Exception {
    CleanHarness h = new CleanHarness(dir);
    h.write("interactions/2026-03-01/interactions-2026-03-01-00000.jsonl", DAY1);
    h.write("interactions/2026-03-02/interactions-2026-03-02-00000.jsonl",
        event("E000000000020", "C00000002", "C00000001", "unfollow", "2026-03-02T09:00:00Z", null));
    LocalDate day1 = LocalDate.of(2026, 3, 1);
    LocalDate day2 = LocalDate.of(2026, 3, 2);

    RunMetrics first = h.clean(Feed.INTERACTIONS, "generator-interactions", h.raw("interactions"), day1, day1);

    assertEquals(16, first.rowsIn());
    assertEquals(9, first.rowsWritten());
    assertEquals(1, first.duplicatesDropped());
    assertEquals(Map.of("future_timestamp", 1L, "malformed_record", 1L, "rating_out_of_range", 2L,
        "self_interaction", 1L, "unknown_interaction_type", 1L), first.quarantinedByReason());
    assertEquals(List.of(
            "E000000000001|C00000001|C00000002|follow|2026-03-01T08:00:00Z|2026-03-01|null|2026-03-01",
            "E000000000002|C00000001|C00000002|like|2026-03-01T08:30:00Z|2026-03-01|null|2026-03-01",
            "E000000000003|C00000001|C00000002|unfollow|2026-03-01T09:00:00Z|2026-03-01|null|2026-03-01",
            "E000000000004|C00000001|C00000002|follow|2026-03-01T10:00:00Z|2026-03-01|null|2026-03-01",
            "E000000000005|C00000003|C00000004|unfollow|2026-03-01T10:00:00Z|2026-03-01|null|2026-03-01",
            "E000000000006|C00000001|P00001|review|2026-03-01T11:00:00Z|2026-03-01|5|2026-03-01",
            "E000000000010|C00000002|C00000001|follow|2026-03-01T10:00:00Z|2026-03-01|null|2026-03-01",
            "E000000000014|C00000002|C00000001|follow|2026-03-01T13:00:00Z|2026-03-01|null|2026-03-01",
            "E000000000015|S00000001|C00000001|comment|2026-03-01T23:00:00Z|2026-03-01|null|2026-03-01"),
        rows(h.table(Tables.SILVER_INTERACTIONS), InteractionColumns.EVENT_ID, InteractionColumns.ACTOR,
            InteractionColumns.TARGET, InteractionColumns.TYPE, InteractionColumns.EVENT_TS,
            InteractionColumns.EVENT_DATE, InteractionColumns.RATING, LineageColumns.INGEST_DAY));
    assertEquals(List.of(
            "future_timestamp|E000000000016|" + DAY1[15],
            "malformed_record|null|" + DAY1[11],
            "rating_out_of_range|E000000000007|" + DAY1[6],
            "rating_out_of_range|E000000000013|" + DAY1[12],
            "self_interaction|E000000000008|" + DAY1[7],
            "unknown_interaction_type|E000000000009|" + DAY1[8]),
        rows(h.table(Tables.QUARANTINE_INTERACTIONS), QuarantineColumns.REASON, QuarantineColumns.RECORD_ID,
            QuarantineColumns.RAW));
    String[] follows = {FollowColumns.FOLLOWER, FollowColumns.FOLLOWEE, FollowColumns.VALID_FROM,
        FollowColumns.VALID_TO, FollowColumns.FOLLOW_EVENT_ID, FollowColumns.UNFOLLOW_EVENT_ID};
    assertEquals(List.of(
            "C00000001|C00000002|2026-03-01T08:00:00Z|2026-03-01T09:00:00Z|E000000000001|E000000000003",
            "C00000001|C00000002|2026-03-01T10:00:00Z|null|E000000000004|null",
            "C00000002|C00000001|2026-03-01T10:00:00Z|null|E000000000010|null"),
        rows(h.table(Tables.SILVER_FOLLOWS), follows));
    assertEquals("1", first.details().get("unfollows_without_follow"));
    assertEquals("2", first.details().get("follow_edges_active"));

    h.clean(Feed.INTERACTIONS, "generator-interactions", h.raw("interactions"), day2, day2);
    List<String> graph = List.of(
        "C00000001|C00000002|2026-03-01T08:00:00Z|2026-03-01T09:00:00Z|E000000000001|E000000000003",
        "C00000001|C00000002|2026-03-01T10:00:00Z|null|E000000000004|null",
        "C00000002|C00000001|2026-03-01T10:00:00Z|2026-03-02T09:00:00Z|E000000000010|E000000000020");
    assertEquals(graph, rows(h.table(Tables.SILVER_FOLLOWS), follows));

    // A rerun of day 1 changes nothing.
    List<String> silver = rows(h.table(Tables.SILVER_INTERACTIONS), allBut(Tables.SILVER_INTERACTIONS, "run_id"));
    RunMetrics rerun = h.clean(Feed.INTERACTIONS, "generator-interactions", h.raw("interactions"), day1, day1);
    assertEquals(first.quarantinedByReason(), rerun.quarantinedByReason());
    assertEquals(silver, rows(h.table(Tables.SILVER_INTERACTIONS), allBut(Tables.SILVER_INTERACTIONS, "run_id")));
    assertEquals(graph, rows(h.table(Tables.SILVER_FOLLOWS), follows));
    assertEquals(6, h.table(Tables.QUARANTINE_INTERACTIONS).count());
  }
}
