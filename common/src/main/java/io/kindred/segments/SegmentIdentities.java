package io.kindred.segments;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Stable segment ids across retrains. A new model's clusters are paired with the previous model's segments by
 * optimal assignment ({@link Hungarian}) on the distance between their centres, measured in the new model's
 * clustering space ({@link Scaling}, RMS over the features both models have). A pair further apart than the
 * distance limit is not a match. Among all pairings, the assignment maximises the number of matches within the
 * limit and, among those, minimises their total distance. A matched cluster keeps the segment's id (and so its
 * name); an unmatched cluster gets a fresh id above every id ever issued, so a retired id is never used again;
 * previous segments left unmatched are retired.
 */
public final class SegmentIdentities {

  private SegmentIdentities() {
  }

  /**
   * A segment of the previous model.
   *
   * @param segmentId its id
   * @param name its name
   * @param centroid its centre in original units, by feature
   */
  public record PreviousSegment(int segmentId, String name, Map<String, Double> centroid) {
  }

  /**
   * The identity of one new cluster.
   *
   * @param cluster the cluster index in the new model
   * @param segmentId its segment id
   * @param previous the previous segment it continues, null when it is new
   * @param distance the distance to that segment's centre, null when it is new
   */
  public record Identity(int cluster, int segmentId, PreviousSegment previous, Double distance) {

    public boolean isNew() {
      return previous == null;
    }

    /** For the log: {@code new}, or {@code continues segment 3, distance 0.412}. */
    public String describe() {
      return isNew() ? "new" : String.format(Locale.ROOT, "continues segment %d, distance %.3f",
          previous.segmentId(), distance);
    }
  }

  /**
   * The outcome of a match.
   *
   * @param identities one per new cluster, in cluster index order
   * @param retired ids of previous segments no new cluster continues, ascending
   */
  public record Match(List<Identity> identities, List<Integer> retired) {

    /**
     * Cluster index -> (segment id, empty name), in cluster index order: for {@link CustomerSegments#withSegment}
     * before the segments are named.
     */
    public Map<Integer, Map.Entry<Integer, String>> unnamedByCluster() {
      Map<Integer, Map.Entry<Integer, String>> out = new LinkedHashMap<>();
      for (Identity identity : identities) {
        out.put(identity.cluster(), Map.entry(identity.segmentId(), ""));
      }
      return out;
    }
  }

  /**
   * Matches the new clusters to the previous segments.
   *
   * @param centres the new clusters' centres in the new model's clustering space, by cluster index
   * @param sizes training customers per new cluster (new ids go to larger clusters first, ties by index)
   * @param previous the previous model's segments (empty for a first model)
   * @param scaling the new model's scaling, to bring previous centres into its space
   * @param maxDistance the distance limit, in standard deviations
   * @param nextId the first id never issued so far (1 for a first model)
   */
  public static Match match(double[][] centres, long[] sizes, List<PreviousSegment> previous, Scaling scaling,
      double maxDistance, int nextId) {
    int n = centres.length;
    int m = previous.size();
    double[][] distance = new double[n][m];
    for (int j = 0; j < m; j++) {
      double[] old = scaling.toScaled(previous.get(j).centroid());
      for (int i = 0; i < n; i++) {
        distance[i][j] = Scaling.distance(centres[i], old);
      }
    }
    // an infeasible pair costs more than any set of feasible ones, so the most pairs within the limit win first
    double infeasible = (Math.min(n, m) + 1) * Math.max(maxDistance, 1) + 1;
    double[][] cost = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < m; j++) {
        cost[i][j] = feasible(distance[i][j], maxDistance) ? distance[i][j] : infeasible;
      }
    }
    int[] assigned = Hungarian.assign(cost);
    Identity[] identities = new Identity[n];
    boolean[] continued = new boolean[m];
    for (int i = 0; i < n; i++) {
      int j = assigned[i];
      if (j >= 0 && feasible(distance[i][j], maxDistance)) {
        identities[i] = new Identity(i, previous.get(j).segmentId(), previous.get(j), distance[i][j]);
        continued[j] = true;
      }
    }
    List<Integer> fresh = IntStream.range(0, n).filter(i -> identities[i] == null).boxed()
        .sorted(Comparator.<Integer>comparingLong(i -> -sizes[i]).thenComparing(i -> i)).toList();
    int id = nextId;
    for (int i : fresh) {
      identities[i] = new Identity(i, id++, null, null);
    }
    List<Integer> retired = new ArrayList<>();
    for (int j = 0; j < m; j++) {
      if (!continued[j]) {
        retired.add(previous.get(j).segmentId());
      }
    }
    retired.sort(Comparator.naturalOrder());
    return new Match(List.of(identities), List.copyOf(retired));
  }

  private static boolean feasible(double distance, double maxDistance) {
    return !Double.isNaN(distance) && distance <= maxDistance;
  }
}
