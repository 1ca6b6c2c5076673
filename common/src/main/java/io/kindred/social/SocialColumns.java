package io.kindred.social;

/**
 * Column names of the graph engine's inputs and outputs. Edge frames are {@code (src STRING, dst STRING,
 * weight DOUBLE)}; node lists are {@code (id STRING)}; results are keyed by {@link #ID}.
 */
public final class SocialColumns {

  /** Edge source: the actor (interactions) or the follower (follows). */
  public static final String SRC = "src";
  /** Edge destination: the target (interactions) or the followee (follows). */
  public static final String DST = "dst";
  /** Edge weight, finite and strictly positive. */
  public static final String WEIGHT = "weight";
  /** A social user's id, customer ({@code C...}) or not ({@code S...}). */
  public static final String ID = "id";
  /** PageRank of a user; the ranks of a graph sum to 1. */
  public static final String PAGERANK = "pagerank";
  /** A community's id: the smallest member id of the community. */
  public static final String COMMUNITY_ID = "community_id";
  /** Number of members of the user's community. */
  public static final String COMMUNITY_SIZE = "community_size";
  /** Number of followers of a user. */
  public static final String FOLLOWER_COUNT = "follower_count";
  /** Whether a user is an opinion leader. */
  public static final String OPINION_LEADER = "opinion_leader";

  private SocialColumns() {
  }
}
