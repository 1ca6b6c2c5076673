package io.kindred.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.lake.Tables.AudienceMembershipColumns;
import io.kindred.lake.Tables.CustomerColumns;
import io.kindred.lake.Tables.CustomerSegmentColumns;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;

/**
 * Audiences for activation tools: who is in which audience (each segment, each RFM segment, each configured
 * filter), restricted to customers whose marketing consent is given, with identifiers hashed the way ad platforms
 * match them.
 */
public final class Audiences {

  /** audience_type of the audiences of segments, RFM segments and configured filters. */
  public static final String SEGMENT = "segment";
  public static final String RFM = "rfm";
  public static final String FILTER = "filter";
  /** Prefixes of the generated audiences' names. */
  public static final String SEGMENT_PREFIX = "segment: ";
  public static final String RFM_PREFIX = "rfm: ";

  private Audiences() {
  }

  /**
   * How control groups are drawn.
   *
   * @param share each audience's control share, in [0, 1)
   * @param shares per audience name: its own share, overriding {@code share}
   * @param globalHoldout share of all customers kept out of every audience, in [0, 1)
   * @param salt the hash's salt: another salt draws other groups
   */
  public record ControlGroups(double share, Map<String, Double> shares, double globalHoldout, String salt)
      implements java.io.Serializable {

    public ControlGroups {
      shares = Map.copyOf(shares);
    }
  }

  /**
   * A uniform number in [0, 1) per row, from the SHA-256 of {@code salt} and {@code parts} (joined with U+0001): its
   * first 52 bits over 2^52, so the same inputs always give the same number on every engine.
   */
  public static Column unitHash(String salt, Column... parts) {
    Column[] all = new Column[parts.length + 1];
    all[0] = lit(salt);
    System.arraycopy(parts, 0, all, 1, parts.length);
    Column hex = org.apache.spark.sql.functions.substring(sha2(org.apache.spark.sql.functions.concat_ws("\u0001",
        all), 256), 1, 13);
    return org.apache.spark.sql.functions.conv(hex, 16, 10).cast("double").divide(lit(4503599627370496.0));
  }

  /**
   * Memberships with their {@code audience_group}: {@code control} when the unit hash of (salt, audience, customer
   * id) falls below the audience's control share, else {@code treatment}; customers of the global holdout (the unit
   * hash of (salt, "global holdout", customer id) below its share) are left out of every audience.
   */
  public static Dataset<Row> withGroups(Dataset<Row> memberships, ControlGroups control) {
    Column share = lit(control.share());
    for (Map.Entry<String, Double> e : new java.util.TreeMap<>(control.shares()).entrySet()) {
      share = when(col(AudienceColumns.AUDIENCE).equalTo(e.getKey()), lit(e.getValue())).otherwise(share);
    }
    Dataset<Row> kept = control.globalHoldout() > 0
        ? memberships.filter(unitHash(control.salt(), lit("global holdout"), col(AudienceColumns.CUSTOMER_ID))
            .geq(control.globalHoldout()))
        : memberships;
    return kept.withColumn(AudienceColumns.AUDIENCE_GROUP, when(unitHash(control.salt(),
        col(AudienceColumns.AUDIENCE), col(AudienceColumns.CUSTOMER_ID)).lt(share), lit(AudienceColumns.CONTROL))
        .otherwise(lit(AudienceColumns.TREATMENT)));
  }

  /**
   * The unit hash of {@link #unitHash(String, Column...)} computed in Java, for the same inputs the same number.
   */
  public static double unitHash(String salt, String... parts) {
    StringBuilder text = new StringBuilder(salt);
    for (String part : parts) {
      text.append('\u0001').append(part);
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String hex = java.util.HexFormat.of().formatHex(digest, 0, 7).substring(0, 13);
      return Long.parseLong(hex, 16) / 4503599627370496.0;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /**
   * A customer's group in an audience, as {@link #withGroups} draws it: control or treatment; null for a customer
   * of the global holdout (in no audience).
   */
  public static String groupOf(ControlGroups control, String audience, String customerId) {
    if (control.globalHoldout() > 0 && unitHash(control.salt(), "global holdout", customerId)
        < control.globalHoldout()) {
      return null;
    }
    double share = control.shares().getOrDefault(audience, control.share());
    return unitHash(control.salt(), audience, customerId) < share ? AudienceColumns.CONTROL : AudienceColumns.TREATMENT;
  }

  /** SHA-256 (lower-case hex) of an e-mail lower-cased and trimmed; null when it is null or blank. */
  public static Column hashedEmail(Column email) {
    Column normalised = lower(trim(email));
    return when(normalised.isNull().or(normalised.equalTo("")), lit(null).cast("string"))
        .otherwise(sha2(normalised, 256));
  }

  /** SHA-256 (lower-case hex) of a phone already in E.164 ({@code +} and digits, as silver holds it); null stays null. */
  public static Column hashedPhone(Column e164) {
    return when(e164.isNull(), lit(null).cast("string")).otherwise(sha2(e164, 256));
  }

  /**
   * The customers whose marketing consent is given at the end of {@code date} (UTC), from the SCD-2 history of
   * silver/customers: the version with valid_from before the next midnight and valid_to null or at or after it,
   * with marketing_consent true. Columns: customer_id, email_sha256, phone_sha256 (raw e-mail and phone are not
   * kept).
   */
  public static Dataset<Row> consentingAt(Dataset<Row> customers, LocalDate date) {
    Timestamp end = Timestamp.from(date.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    return customers
        .filter(col(CustomerColumns.VALID_FROM).lt(lit(end))
            .and(col(CustomerColumns.VALID_TO).isNull().or(col(CustomerColumns.VALID_TO).geq(lit(end))))
            .and(col(CustomerColumns.MARKETING_CONSENT).equalTo(lit(true))))
        .select(col(CustomerColumns.CUSTOMER_ID).as(AudienceColumns.CUSTOMER_ID),
            hashedEmail(col(CustomerColumns.EMAIL)).as(AudienceColumns.EMAIL_SHA256),
            hashedPhone(col(CustomerColumns.PHONE)).as(AudienceColumns.PHONE_SHA256));
  }

  /**
   * Checks configured filter audiences against the segment table before anything is written: each condition must
   * parse as a Spark SQL expression, name only columns of {@code segments}, and be a boolean condition; a name must
   * not look like a generated audience's.
   *
   * @return the conditions as columns, by audience name, in the given order
   * @throws IllegalArgumentException naming the audience, its condition and the reason, for the first bad one
   */
  public static Map<String, Column> validatedFilters(Dataset<Row> segments, Map<String, String> filters) {
    Map<String, Column> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : filters.entrySet()) {
      String name = e.getKey();
      String condition = e.getValue();
      if (name.startsWith(SEGMENT_PREFIX) || name.startsWith(RFM_PREFIX) || name.isBlank()) {
        throw invalid(name, condition, "the name is empty or starts with '" + SEGMENT_PREFIX + "' or '"
            + RFM_PREFIX + "', which generated audiences use");
      }
      Column column;
      org.apache.spark.sql.types.DataType type;
      try {
        // the parser runs here or when the plan is analysed, depending on the Spark API in use: catch both
        column = functions.expr(condition);
        type = segments.limit(0).select(column.as("_condition")).schema().apply(0).dataType();
      } catch (Exception ex) {
        // Scala throws them undeclared; a ParseException is an AnalysisException
        if (ex instanceof ParseException parse) {
          throw invalid(name, condition, "it does not parse: " + firstLine(parse.getMessage()));
        }
        if (ex instanceof AnalysisException analysis) {
          String reason = analysis.getCondition() != null && analysis.getCondition().startsWith("UNRESOLVED_COLUMN")
              ? "unknown column " + analysis.getMessageParameters().get("objectName") + "; the columns of "
                  + "gold/customer_segments are " + String.join(", ", segments.columns())
              : firstLine(analysis.getMessage());
          throw invalid(name, condition, reason);
        }
        throw ex;
      }
      if (!(type instanceof BooleanType)) {
        throw invalid(name, condition, "it is of type " + type.simpleString() + "; expected a boolean condition");
      }
      out.put(name, column);
    }
    return out;
  }

  private static IllegalArgumentException invalid(String name, String condition, String reason) {
    return new IllegalArgumentException("Audience \"" + name + "\" has an invalid filter \"" + condition + "\": "
        + reason);
  }

  /** The first non-blank line of a Spark message (its error class and text, without the plan or the SQL). */
  private static String firstLine(String message) {
    for (String line : String.valueOf(message).split("\n")) {
      if (!line.isBlank()) {
        return line.strip();
      }
    }
    return "";
  }

  /**
   * Memberships: one row per customer of {@code segments} and audience it belongs to (its segment, its RFM
   * segment, and every filter it satisfies). Columns: customer_id, audience, audience_type, segment_id.
   */
  public static Dataset<Row> memberships(Dataset<Row> segments, Map<String, Column> filters) {
    List<Dataset<Row>> parts = new ArrayList<>();
    parts.add(segments.select(col(CustomerSegmentColumns.CUSTOMER_ID),
        concat(lit(SEGMENT_PREFIX), col(CustomerSegmentColumns.SEGMENT_NAME)).as(AudienceColumns.AUDIENCE),
        lit(SEGMENT).as(AudienceColumns.AUDIENCE_TYPE), col(CustomerSegmentColumns.SEGMENT_ID)));
    parts.add(segments.select(col(CustomerSegmentColumns.CUSTOMER_ID),
        concat(lit(RFM_PREFIX), col(CustomerSegmentColumns.RFM_SEGMENT)).as(AudienceColumns.AUDIENCE),
        lit(RFM).as(AudienceColumns.AUDIENCE_TYPE), col(CustomerSegmentColumns.SEGMENT_ID)));
    filters.forEach((name, condition) -> parts.add(segments.filter(condition).select(
        col(CustomerSegmentColumns.CUSTOMER_ID), lit(name).as(AudienceColumns.AUDIENCE),
        lit(FILTER).as(AudienceColumns.AUDIENCE_TYPE), col(CustomerSegmentColumns.SEGMENT_ID))));
    Dataset<Row> out = parts.get(0);
    for (Dataset<Row> part : parts.subList(1, parts.size())) {
      out = out.unionByName(part);
    }
    return out;
  }

  /**
   * The stays of {@code gold/audience_membership} a night's publication decides: those open when the night began
   * (no {@code to_date}, or closed on {@code night} by an earlier run of it) and those a run of the night opened.
   */
  public static Dataset<Row> staysOpenAt(Dataset<Row> membership, LocalDate night) {
    Column date = lit(Date.valueOf(night));
    return membership.filter(col(AudienceMembershipColumns.TO_DATE).isNull()
        .or(col(AudienceMembershipColumns.TO_DATE).equalTo(date))
        .or(col(AudienceMembershipColumns.FROM_DATE).equalTo(date)));
  }

  /**
   * What {@link #staysOpenAt} becomes after the night's publication: a stay begun before {@code night} stays open
   * when the customer is published in its audience that night and ends on {@code night} otherwise; a customer
   * published in an audience without an open stay begins one on {@code night}, in the group published. A rerun of
   * the night gives the same stays: what a run of the night began or ended is decided again.
   *
   * @param open {@link #staysOpenAt} of the night
   * @param published the night's rows of gold/audiences
   */
  public static Dataset<Row> staysAfter(Dataset<Row> open, Dataset<Row> published, LocalDate night) {
    Column date = lit(Date.valueOf(night));
    String in = "_in_audience";
    Dataset<Row> before = open.filter(col(AudienceMembershipColumns.FROM_DATE).lt(date));
    Dataset<Row> members = published.select(col(AudienceColumns.CUSTOMER_ID), col(AudienceColumns.AUDIENCE),
        col(AudienceColumns.AUDIENCE_TYPE), col(AudienceColumns.AUDIENCE_GROUP)).distinct();
    String[] key = {AudienceMembershipColumns.CUSTOMER_ID, AudienceMembershipColumns.AUDIENCE};
    Dataset<Row> continued = before.join(members.select(col(AudienceColumns.CUSTOMER_ID),
        col(AudienceColumns.AUDIENCE), lit(true).as(in)), key, "left")
        .withColumn(AudienceMembershipColumns.TO_DATE, when(col(in), lit(null).cast("date")).otherwise(date))
        .drop(in);
    Dataset<Row> begun = members.join(before.select(key[0], key[1]), key, "left_anti")
        .withColumn(AudienceMembershipColumns.FROM_DATE, date)
        .withColumn(AudienceMembershipColumns.TO_DATE, lit(null).cast("date"));
    return continued.unionByName(begun);
  }
}
