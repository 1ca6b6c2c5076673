package io.kindred.clean;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The interaction types of the interactions feed, each with its code (the {@code type} value in the feed and in
 * {@code silver/interactions}) and what it means to the social features. The one home of the type names: the
 * parser checks against it, the generator writes it, and the social features and their settings group by it.
 */
public enum InteractionType {
  /** The actor starts following the target user (an edge of the follow graph until an unfollow). */
  FOLLOW(true, false, false),
  /** The actor stops following the target user: ends a follow, adds no edge. */
  UNFOLLOW(false, false, false),
  LIKE(true, true, false),
  COMMENT(true, true, true),
  SHARE(true, true, true),
  MENTION(true, true, true),
  /** The actor referred the target (a new customer). */
  REFERRAL(true, false, false),
  /** The actor reviews a product: the target is a product id, and the event carries a rating 1..5. */
  REVIEW(false, false, true);

  private final boolean linksUsers;
  private final boolean engagement;
  private final boolean post;

  InteractionType(boolean linksUsers, boolean engagement, boolean post) {
    this.linksUsers = linksUsers;
    this.engagement = engagement;
    this.post = post;
  }

  /** The type as the feed and the tables spell it: {@code follow}, {@code like}, ... */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether it links two users, and so is an edge of the social graph with a weight ({@code unfollow} ends a follow,
   * a {@code review}'s target is a product).
   */
  public boolean linksUsers() {
    return linksUsers;
  }

  /** Whether it is engagement a user receives when aimed at them. */
  public boolean engagement() {
    return engagement;
  }

  /** Whether it is a post: what a user publishes that others can engage with. */
  public boolean post() {
    return post;
  }

  /** Whether {@code code} is this type's code. */
  public boolean is(String code) {
    return code().equals(code);
  }

  /** The type of {@code code}, or null when it names none. */
  public static InteractionType ofCode(String code) {
    for (InteractionType t : values()) {
      if (t.is(code)) {
        return t;
      }
    }
    return null;
  }

  /** Every type's code, in declaration order. */
  public static List<String> codes() {
    return Arrays.stream(values()).map(InteractionType::code).toList();
  }

  /** Every type's code, sorted. */
  public static List<String> sortedCodes() {
    return List.copyOf(new TreeSet<>(codes()));
  }

  /** The sorted codes of the types that link two users ({@link #linksUsers()}). */
  public static List<String> linkingCodes() {
    return Arrays.stream(values()).filter(InteractionType::linksUsers).map(InteractionType::code).sorted().toList();
  }

  /** The sorted codes of the engagement types ({@link #engagement()}). */
  public static List<String> engagementCodes() {
    return Arrays.stream(values()).filter(InteractionType::engagement).map(InteractionType::code).sorted().toList();
  }

  /** The sorted codes of the post types ({@link #post()}). */
  public static List<String> postCodes() {
    return Arrays.stream(values()).filter(InteractionType::post).map(InteractionType::code).sorted().toList();
  }
}
