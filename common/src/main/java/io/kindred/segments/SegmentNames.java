package io.kindred.segments;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Readable segment names from profiles, e.g. "High value, active, influential": the segment's means against the
 * whole snapshot's, with the thresholds of {@code kindred.segments.naming}.
 *
 * <ul>
 *   <li>value: mean CLV at least {@code highValue} times the snapshot's: "High value"; at most {@code lowValue}
 *       times: "Low value"; otherwise "Mid value";</li>
 *   <li>activity: mean tenure at most {@code newTenure} times the snapshot's: "new"; otherwise mean recency at
 *       most {@code active} times the snapshot's: "active", at least {@code lapsed} times: "lapsed", otherwise
 *       "cooling";</li>
 *   <li>", influential" when mean influence is at least {@code influential} times the snapshot's (only when
 *       influence is known);</li>
 *   <li>", frequent returns" when the return rate is at least {@code frequentReturns} times the snapshot's.</li>
 * </ul>
 */
public final class SegmentNames {

  private SegmentNames() {
  }

  /**
   * The figures a name is made from, for a segment or the whole snapshot.
   *
   * @param clvMean mean CLV
   * @param tenureMean mean days since the first purchase
   * @param recencyMean mean days since the last purchase
   * @param influenceMean mean influence, null when unknown (social features not built)
   * @param returnRate returns per purchase transaction
   */
  public record Stats(double clvMean, double tenureMean, double recencyMean, Double influenceMean,
      double returnRate) {
  }

  /** The naming thresholds (see the class comment). */
  public record Thresholds(double highValue, double lowValue, double newTenure, double active, double lapsed,
      double influential, double frequentReturns) {
  }

  /** The name the profile {@code segment} gets against {@code snapshot}. */
  public static String describe(Stats segment, Stats snapshot, Thresholds t) {
    List<String> parts = new ArrayList<>();
    double value = ratio(segment.clvMean(), snapshot.clvMean());
    parts.add(value >= t.highValue() ? "High value" : value <= t.lowValue() ? "Low value" : "Mid value");
    double recency = ratio(segment.recencyMean(), snapshot.recencyMean());
    if (ratio(segment.tenureMean(), snapshot.tenureMean()) <= t.newTenure()) {
      parts.add("new");
    } else {
      parts.add(recency <= t.active() ? "active" : recency >= t.lapsed() ? "lapsed" : "cooling");
    }
    if (segment.influenceMean() != null && snapshot.influenceMean() != null
        && ratio(segment.influenceMean(), snapshot.influenceMean()) >= t.influential()) {
      parts.add("influential");
    }
    if (snapshot.returnRate() > 0 && ratio(segment.returnRate(), snapshot.returnRate()) >= t.frequentReturns()) {
      parts.add("frequent returns");
    }
    return String.join(", ", parts);
  }

  private static double ratio(double value, double reference) {
    return reference == 0 ? (value == 0 ? 1 : Double.POSITIVE_INFINITY) : value / reference;
  }

  /**
   * The names of a model's segments, by id: a configured name first, else the name a continued segment had, else
   * the one its profile gives. Names are unique: a later id (ascending) whose name is taken gets " (segment N)"
   * appended.
   *
   * @param described the profile names, by id
   * @param inherited the names continued segments had, by id
   * @param configured names from configuration, by id
   */
  public static Map<Integer, String> names(Map<Integer, String> described, Map<Integer, String> inherited,
      Map<Integer, String> configured) {
    Map<Integer, String> out = new LinkedHashMap<>();
    Set<String> taken = new HashSet<>();
    for (Map.Entry<Integer, String> e : new TreeMap<>(described).entrySet()) {
      int id = e.getKey();
      String name = configured.containsKey(id) ? configured.get(id)
          : inherited.containsKey(id) ? inherited.get(id) : e.getValue();
      if (!taken.add(name)) {
        name = name + " (segment " + id + ")";
        taken.add(name);
      }
      out.put(id, name);
    }
    return out;
  }

  /**
   * The names of a new model's segments, by id ({@link #names}): each segment described from its profile against
   * the whole snapshot's ({@link #describe}), "Empty segment" for one without customers in the snapshot, the name a
   * continued segment had, or a configured one.
   *
   * @param profiles the snapshot's profiles, the whole snapshot's first ({@link SegmentProfiles#profiles})
   * @param match the model's clusters matched to the previous model's segments
   * @param thresholds the naming thresholds
   * @param configured names from configuration, by id
   */
  public static Map<Integer, String> modelNames(List<SegmentProfiles.Profile> profiles, SegmentIdentities.Match match,
      Thresholds thresholds, Map<Integer, String> configured) {
    SegmentProfiles.Profile all = profiles.get(0);
    Map<Integer, String> described = new LinkedHashMap<>();
    Map<Integer, String> inherited = new LinkedHashMap<>();
    for (SegmentProfiles.Profile p : profiles.subList(1, profiles.size())) {
      described.put(p.segmentId(), describe(p.stats(), all.stats(), thresholds));
    }
    for (SegmentIdentities.Identity identity : match.identities()) {
      if (!identity.isNew()) {
        inherited.put(identity.segmentId(), identity.previous().name());
      }
      described.putIfAbsent(identity.segmentId(), "Empty segment");
    }
    return names(described, inherited, configured);
  }
}
