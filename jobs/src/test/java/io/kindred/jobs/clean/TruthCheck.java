package io.kindred.jobs.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kindred.clean.Feed;
import io.kindred.lake.TableDef;
import io.kindred.lake.Tables;
import io.kindred.lake.Tables.QuarantineColumns;
import io.kindred.ops.RunMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;

/**
 * Checks the cleaning stage against a generated sample's truth ({@code <out>/truth/bad_records.jsonl}: feed, day,
 * reason, record_id, raw as written): every injected bad record is quarantined on its delivery day with exactly its
 * reason (exact duplicates: dropped and counted instead), nothing else is quarantined, and every other line of the
 * feeds reaches silver (compared by id, read from the raw files independently of the cleaning code).
 */
final class TruthCheck {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TruthCheck() {
  }

  /** One injected bad record. */
  record Bad(String feed, String day, String reason, String recordId, String raw) {
  }

  static List<Bad> badRecords(Path out) throws Exception {
    List<Bad> bad = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("truth/bad_records.jsonl"), StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode n = JSON.readTree(line);
      bad.add(new Bad(n.get("feed").asText(), n.get("day").asText(), n.get("reason").asText(),
          n.path("record_id").asText(null), n.get("raw").asText()));
    }
    return bad;
  }

  /** Every data line of a feed's files as "day|raw" (CSV headers skipped). */
  static List<String> dataLines(Path feedRoot, LocalDate from, LocalDate to) throws Exception {
    List<String> out = new ArrayList<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      Path folder = feedRoot.resolve(day.toString());
      if (!Files.isDirectory(folder)) {
        continue;
      }
      try (Stream<Path> files = Files.list(folder)) {
        for (Path file : files.sorted().toList()) {
          List<String> lines = new ArrayList<>(List.of(
              Files.readString(file, StandardCharsets.UTF_8).split("\r?\n", -1)));
          if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
          }
          if (file.getFileName().toString().endsWith(".csv") && !lines.isEmpty()) {
            lines.remove(0);
          }
          for (String line : lines) {
            out.add(day + "|" + line);
          }
        }
      }
    }
    return out;
  }

  private static final Pattern JSON_ID = Pattern.compile("\"(transaction_id|event_id|customer_id)\":\"([^\"]*)\"");

  /** The record id of a clean raw line: the first CSV field, or the id field of a JSON line. */
  static String idOf(Feed feed, String raw) {
    if (raw.startsWith("{")) {
      String field = feed == Feed.INTERACTIONS ? "event_id" : feed.idField();
      Matcher m = JSON_ID.matcher(raw);
      while (m.find()) {
        if (m.group(1).equals(field)) {
          return m.group(2);
        }
      }
      throw new IllegalStateException("no " + field + " in " + raw);
    }
    return raw.substring(0, raw.indexOf(','));
  }

  /** Runs the three cleaners over {@code out}'s feeds for days from..to and checks them against the truth. */
  static void check(CleanHarness h, Path out, LocalDate from, LocalDate to) throws Exception {
    List<Bad> bad = badRecords(out);
    for (Feed feed : List.of(Feed.CUSTOMERS, Feed.TRANSACTIONS, Feed.INTERACTIONS)) {
      Path root = out.resolve(feed.code());
      RunMetrics metrics = h.clean(feed, CleanJob.defaultSource(feed), root, from, to);
      List<Bad> injected = bad.stream().filter(b -> b.feed().equals(feed.code())
          && !LocalDate.parse(b.day()).isBefore(from) && !LocalDate.parse(b.day()).isAfter(to)).toList();

      // every injected bad record quarantined with exactly its reason, and nothing else quarantined
      List<String> expectedQuarantine = new ArrayList<>(injected.stream()
          .filter(b -> !b.reason().equals("exact_duplicate"))
          .map(b -> b.day() + "|" + b.reason() + "|" + b.raw()).toList());
      Collections.sort(expectedQuarantine);
      TableDef quarantine = CleanJob.quarantineTable(feed);
      assertEquals(expectedQuarantine, CleanHarness.rows(h.table(quarantine), QuarantineColumns.INGEST_DAY,
          QuarantineColumns.REASON, QuarantineColumns.RAW), feed + ": quarantine vs truth");
      long duplicates = injected.stream().filter(b -> b.reason().equals("exact_duplicate")).count();
      assertEquals(duplicates, metrics.duplicatesDropped(), feed + ": exact duplicates dropped");

      // every other line reaches silver: ids compared, one silver row per clean line
      Map<String, Integer> remove = new HashMap<>();
      injected.forEach(b -> remove.merge(b.day() + "|" + b.raw(), 1, Integer::sum));
      List<String> expectedIds = new ArrayList<>();
      for (String line : dataLines(root, from, to)) {
        Integer n = remove.get(line);
        if (n != null && n > 0) {
          remove.put(line, n - 1);
          continue;
        }
        expectedIds.add(idOf(feed, line.substring(line.indexOf('|') + 1)));
      }
      assertEquals(List.of(), remove.entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
          .toList(), feed + ": truth lines not found in the feed files");
      Collections.sort(expectedIds);
      String idColumn = feed == Feed.INTERACTIONS ? Tables.InteractionColumns.EVENT_ID : feed.idField();
      List<String> silverIds = new ArrayList<>();
      for (Row r : h.table(CleanJob.silverTable(feed)).select(idColumn).collectAsList()) {
        silverIds.add(r.getString(0));
      }
      Collections.sort(silverIds);
      assertEquals(expectedIds, silverIds, feed + ": silver ids vs the clean lines of the feed");
      assertEquals(metrics.rowsIn(), metrics.rowsWritten() + metrics.rowsQuarantined() + metrics.duplicatesDropped());
    }
  }
}
