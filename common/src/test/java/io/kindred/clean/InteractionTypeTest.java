package io.kindred.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The interaction types and their groups, as docs/sources.md and docs/social.md give them. */
class InteractionTypeTest {

  @Test
  void typesAndTheirGroups() {
    assertEquals(List.of("follow", "unfollow", "like", "comment", "share", "mention", "referral", "review"),
        InteractionType.codes());
    assertEquals(List.of("comment", "follow", "like", "mention", "referral", "review", "share", "unfollow"),
        InteractionType.sortedCodes());
    // edges of the user graph: not unfollow (it ends a follow), not review (its target is a product)
    assertEquals(List.of("comment", "follow", "like", "mention", "referral", "share"), InteractionType.linkingCodes());
    assertEquals(List.of("comment", "like", "mention", "share"), InteractionType.engagementCodes());
    assertEquals(List.of("comment", "mention", "review", "share"), InteractionType.postCodes());
    assertEquals(InteractionType.REVIEW, InteractionType.ofCode("review"));
    assertNull(InteractionType.ofCode("Review"), "codes are lower case; the parser lower-cases the feed's value");
    assertNull(InteractionType.ofCode("poke"));
  }
}
