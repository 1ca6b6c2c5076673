package io.kindred.generate;

import io.kindred.clean.InteractionType;
import io.kindred.generate.GeneratorSettings.ArchetypeParams;
import io.kindred.generate.GeneratorSettings.Country;
import io.kindred.generate.RawFeeds.CustomerFields;
import io.kindred.generate.RawFeeds.FxFields;
import io.kindred.generate.RawFeeds.InteractionFields;
import io.kindred.generate.RawFeeds.TransactionFields;
import io.kindred.lake.Tables.AudienceColumns;
import io.kindred.quality.Reason;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The generated world as pure functions of the spec: every social user's records (customer profile versions,
 * transactions, interactions, truth lines) come from {@link #emit(long, Sink)}, which depends only on the spec and
 * the user's index. Customers are indices {@code 0 .. customers-1} ({@code C} + index + 1), non-customer social
 * users follow ({@code S} + index - customers + 1). Time is counted in seconds from the window's first midnight
 * (UTC); day {@code d} is the {@code d}-th delivery folder.
 */
public final class World implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Seconds per day. */
  static final long DAY = 86_400L;
  /** Records one user may own (ids are user * 10,000 + sequence). */
  static final int MAX_RECORDS_PER_USER = 10_000;
  /** Purchases one customer may make in the window (BG/NBD stream). */
  static final int MAX_PURCHASES = 2_000;
  /** Tag of a clean feed record. */
  public static final String RECORD = "record";
  /** Tag of a CSV header line. */
  public static final String HEADER = "header";
  /** The day of truth files, which are not per day. */
  public static final int NO_DAY = -1;

  // Random streams.
  private static final long S_ARCHETYPE = 1;
  private static final long S_CORE = 2;
  private static final long S_FOLLOW = 3;
  private static final long S_SOCIAL = 4;
  private static final long S_BOOST = 5;
  private static final long S_RETURN = 6;
  private static final long S_PROFILE = 7;
  private static final long S_DELIVERY = 8;
  private static final long S_NON_CUSTOMER = 9;
  private static final long S_INFLUENCER = 10;
  private static final long S_FX = 11;
  private static final long S_PERMUTATION = 12;
  private static final long S_CAMPAIGN = 13;

  /** The engagement types in the order of kindred.generate.engagement-type-weights. */
  private static final String[] ENGAGEMENTS = {InteractionType.LIKE.code(), InteractionType.COMMENT.code(),
      InteractionType.SHARE.code(), InteractionType.MENTION.code()};
  private static final String[] BAD_CURRENCIES = {"XAU", "BTC", "ZZZ", "US$"};
  private static final String[] BAD_TYPES = {"poke", "dislike", "retweet", "block"};
  private static final int[] BAD_RATINGS = {0, 6, 7, -1, 10};
  private static final String[] FIRST = {"anna", "ben", "chloe", "david", "emma", "felix", "grace", "hiro", "ines",
      "jack", "kenji", "lea", "marie", "noah", "olivia", "paul", "quinn", "rosa", "sam", "theo", "ursula", "victor",
      "wendy", "xavier", "yuki", "zoe", "lukas", "sophie", "oliver", "mia"};
  private static final String[] LAST = {"smith", "jones", "muller", "martin", "tanaka", "brown", "schmidt",
      "dubois", "sato", "wilson", "taylor", "fischer", "bernard", "suzuki", "clark", "lewis", "weber", "moreau",
      "ito", "walker", "hall", "wagner", "laurent", "kato", "young", "king", "becker", "simon", "abe", "scott"};
  private static final String[] DOMAINS = {"gmail.com", "yahoo.com", "outlook.com", "icloud.com", "example.org",
      "mail.com", "proton.me", "web.de"};

  private final SampleSpec spec;
  private final GeneratorSettings s;
  private final int days;
  private final long windowSeconds;
  private final long startEpoch;
  private final String[] dayNames;
  private final boolean[] jsonDay;
  private final double[][] fx;
  private final String[][] fxText;
  private final long customers;
  private final long users;
  private final long permA;
  private final long permB;
  private final long permAInverse;
  private final double[] archetypeCumulative;
  private final double[] countryShares;
  private final boolean anyInfluencers;

  public World(SampleSpec spec) {
    this.spec = spec;
    this.s = spec.settings();
    this.days = spec.days();
    this.windowSeconds = days * DAY;
    LocalDate start = spec.startDate();
    this.startEpoch = start.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    this.dayNames = new String[days];
    this.jsonDay = new boolean[days];
    for (int d = 0; d < days; d++) {
      dayNames[d] = start.plusDays(d).toString();
      jsonDay[d] = s.jsonEveryDays > 0 && (d + 1) % s.jsonEveryDays == 0;
    }
    this.customers = spec.customers();
    this.users = spec.socialUsers();
    // Communities: users permuted by an affine bijection, then cut into blocks of community-size.
    SplittableRandom perm = Rand.stream(spec.seed(), S_PERMUTATION, 0);
    long a = users == 1 ? 1 : 1 + perm.nextLong(users - 1);
    while (BigInteger.valueOf(a).gcd(BigInteger.valueOf(users)).longValue() != 1) {
      a = a % (users - 1) + 1;
    }
    this.permA = a;
    this.permB = perm.nextLong(users);
    this.permAInverse = BigInteger.valueOf(a).modInverse(BigInteger.valueOf(users)).longValue();
    double[] shares = s.normalisedShares();
    this.archetypeCumulative = new double[shares.length];
    double acc = 0;
    for (int i = 0; i < shares.length; i++) {
      acc += shares[i];
      archetypeCumulative[i] = acc;
    }
    this.countryShares = s.countries.stream().mapToDouble(Country::share).toArray();
    this.anyInfluencers = s.params(Archetype.INFLUENCERS).share() > 0 || s.nonCustomerInfluencerShare > 0;
    // FX: a random walk of each rate's logarithm from its first-day rate, 6 significant digits.
    this.fx = new double[days][s.currencies.size()];
    this.fxText = new String[days][s.currencies.size()];
    SplittableRandom walk = Rand.stream(spec.seed(), S_FX, 0);
    for (int c = 0; c < s.currencies.size(); c++) {
      double log = Math.log(s.currencies.get(c).rateToUsd());
      boolean usd = s.currencies.get(c).code().equals("USD");
      for (int d = 0; d < days; d++) {
        if (d > 0 && !usd) {
          log += s.fxDailyVolatility * walk.nextGaussian();
        }
        BigDecimal rate = usd ? BigDecimal.ONE : new BigDecimal(Math.exp(log), new MathContext(6));
        fxText[d][c] = rate.stripTrailingZeros().toPlainString();
        fx[d][c] = Double.parseDouble(fxText[d][c]);
      }
    }
  }

  /** Receives the lines of the feeds and the truth files. */
  @FunctionalInterface
  public interface Sink {
    /**
     * One line.
     *
     * @param feed a feed name ({@link RawFeeds#FEEDS}) or {@code truth/<file>}
     * @param day the delivery day index, or {@link #NO_DAY} for truth files
     * @param key the sort key of the line within its file
     * @param line the line, without its line end
     * @param tag what the line is, for the run's summary: {@link #RECORD}, {@link #HEADER}, a reason code, or
     *     for truth files an archetype, a feed/reason pair or a feed
     */
    void line(String feed, int day, String key, String line, String tag);
  }

  public SampleSpec spec() {
    return spec;
  }

  /** The folder name (yyyy-MM-dd) of day {@code d}. */
  public String dayName(int d) {
    return dayNames[d];
  }

  /** Whether transactions are delivered as JSON lines on day {@code d}. */
  public boolean isJsonDay(int d) {
    return jsonDay[d];
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Pure functions of an index.

  public static String customerId(long i) {
    return padded('C', i + 1, 8);
  }

  public String userId(long u) {
    return u < customers ? customerId(u) : padded('S', u - customers + 1, 8);
  }

  static String recordId(char prefix, long u, int seq) {
    return padded(prefix, (u + 1) * MAX_RECORDS_PER_USER + seq, 12);
  }

  static String productId(int product) {
    return padded('P', product + 1, 5);
  }

  /** {@code prefix} then {@code value} zero-padded to {@code width} digits (String.format is far slower). */
  static String padded(char prefix, long value, int width) {
    String digits = Long.toString(value);
    StringBuilder b = new StringBuilder(width + 1);
    if (prefix != 0) {
      b.append(prefix);
    }
    for (int k = digits.length(); k < width; k++) {
      b.append('0');
    }
    return b.append(digits).toString();
  }

  public Archetype archetypeOf(long i) {
    double u = Rand.uniform(spec.seed(), S_ARCHETYPE, i);
    for (int k = 0; k < archetypeCumulative.length; k++) {
      if (u < archetypeCumulative[k] && s.archetypes.get(k).share() > 0) {
        return Archetype.values()[k];
      }
    }
    for (int k = archetypeCumulative.length - 1; k >= 0; k--) {
      if (s.archetypes.get(k).share() > 0) {
        return Archetype.values()[k];
      }
    }
    throw new IllegalStateException("no archetype has a share above 0");
  }

  public boolean isInfluencer(long u) {
    if (u < customers) {
      return archetypeOf(u) == Archetype.INFLUENCERS;
    }
    return Rand.uniform(spec.seed(), S_INFLUENCER, u) < s.nonCustomerInfluencerShare;
  }

  public long community(long u) {
    return (Math.multiplyExact(permA, u) % users + permB) % users / s.communitySize;
  }

  private long randomMember(SplittableRandom rng, long community) {
    long first = community * s.communitySize;
    long size = Math.min(s.communitySize, users - first);
    long position = first + rng.nextLong(size);
    // inverse of the affine permutation: u = a^-1 (x - b) mod users
    long shifted = Math.floorMod(position - permB, users);
    return Math.multiplyExact(permAInverse, shifted) % users;
  }

  private long randomInfluencer(SplittableRandom rng, long community) {
    long candidate = 0;
    for (int attempt = 0; attempt < 64; attempt++) {
      candidate = community >= 0 ? randomMember(rng, community) : rng.nextLong(users);
      if (isInfluencer(candidate)) {
        return candidate;
      }
    }
    return candidate;
  }

  /** A target for user {@code self}: an influencer with the given chance, else mostly in its community. */
  private long chooseTarget(SplittableRandom rng, long self, double influencerShare, Set<Long> taken) {
    if (users < 2) {
      return -1;
    }
    long home = community(self);
    for (int attempt = 0; attempt < 8; attempt++) {
      long v;
      boolean inside = rng.nextDouble() < s.inCommunityShare;
      if (anyInfluencers && rng.nextDouble() < influencerShare) {
        v = randomInfluencer(rng, inside ? home : -1);
      } else {
        v = inside ? randomMember(rng, home) : rng.nextLong(users);
      }
      if (v != self && (taken == null || !taken.contains(v))) {
        return v;
      }
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Customers.

  /** A purchase or return before it is formatted. */
  static final class Txn {
    int seq;
    long sec;
    int category;
    int product;
    int channel;
    int quantity;
    double usd;
    int currency;
    String originalId;

    Txn copy() {
      Txn t = new Txn();
      t.seq = seq;
      t.sec = sec;
      t.category = category;
      t.product = product;
      t.channel = channel;
      t.quantity = quantity;
      t.usd = usd;
      t.currency = currency;
      t.originalId = originalId;
      return t;
    }
  }

  /**
   * A customer's latent parameters and BG/NBD purchase history: a pure function of the customer's index. The
   * purchases fall on distinct UTC days (see {@link #core}), so their count is both the BG/NBD transaction count and
   * the purchase-day count Kindred's features use.
   */
  static final class Core {
    long index;
    Archetype archetype;
    ArchetypeParams params;
    Country country;
    int offsetSeconds;
    String offset;
    long signupSec;
    double lambda;
    double p;
    double nu;
    long dropoutSec = -1;
    final List<Txn> purchases = new ArrayList<>();
  }

  /**
   * Customer {@code i}'s core: archetype, latent parameters, the first purchase and the BG/NBD repeat purchases,
   * at most one per UTC day (a draw on the previous purchase's day moves to the next day, same time of day).
   */
  Core core(long i) {
    Core c = new Core();
    c.index = i;
    c.archetype = archetypeOf(i);
    c.params = s.params(c.archetype);
    SplittableRandom rng = Rand.stream(spec.seed(), S_CORE, i);
    c.country = s.countries.get(Rand.pick(rng, countryShares));
    int o = rng.nextInt(c.country.offsets().length);
    c.offsetSeconds = c.country.offsetSeconds()[o];
    c.offset = c.country.offsets()[o];
    ArchetypeParams a = c.params;
    int lo;
    int hi;
    if (a.signupLastDays() > 0) {
      lo = Math.max(0, days - a.signupLastDays());
      hi = days - 1;
    } else {
      lo = (int) Math.floor(a.signupFrom() * (days - 1));
      hi = (int) Math.floor(a.signupTo() * (days - 1));
    }
    int signupDay = lo + rng.nextInt(hi - lo + 1);
    c.signupSec = signupDay * DAY + rng.nextLong(DAY - 2 * 3600);
    long firstSec = c.signupSec + 60 + rng.nextLong(3600);
    c.lambda = Rand.gamma(rng, a.r(), a.alpha());
    c.p = Rand.beta(rng, a.a(), a.b());
    c.nu = Rand.gamma(rng, a.q(), a.gamma());
    c.purchases.add(purchase(rng, c, 0, firstSec, -1));
    double t = firstSec / (double) DAY;
    long last = firstSec;
    while (c.purchases.size() < MAX_PURCHASES) {
      t += Rand.exponential(rng, c.lambda);
      if (t >= days) {
        break;
      }
      long sec = s.distinctPurchaseDays ? (long) (t * DAY) : Math.max(last + 1, (long) (t * DAY));
      if (s.distinctPurchaseDays && sec / DAY <= last / DAY) {
        // Kindred counts purchase days (x = purchase days after the first): a purchase on the day of the previous
        // one would be no repeat purchase there, yet it drew a drop-out chance, and the day-level BG/NBD fit comes
        // out biased (champions: alpha 4.6 standard errors too high). So it moves to the next day, same time of
        // day; the count of purchases stays BG/NBD and each is a repeat purchase day.
        sec = (last / DAY + 1) * DAY + sec % DAY;
      }
      if (sec >= windowSeconds) {
        break;
      }
      last = sec;
      c.purchases.add(purchase(rng, c, c.purchases.size(), sec, -1));
      if (rng.nextDouble() < c.p) {
        c.dropoutSec = sec;
        break;
      }
    }
    return c;
  }

  private Txn purchase(SplittableRandom rng, Core c, int seq, long sec, int category) {
    Txn t = new Txn();
    t.seq = seq;
    t.sec = sec;
    int[] favourites = c.params.favouriteCategories();
    if (category >= 0) {
      t.category = category;
    } else if (favourites.length > 0 && rng.nextDouble() < s.favouriteCategoryWeight) {
      t.category = favourites[rng.nextInt(favourites.length)];
    } else {
      t.category = rng.nextInt(s.categories.size());
    }
    t.product = t.category + s.categories.size() * rng.nextInt(s.productsPerCategory);
    t.channel = Rand.pick(rng, c.params.channelWeights());
    t.quantity = 1 + Rand.poisson(rng, s.extraQuantityMean);
    t.usd = Rand.gamma(rng, c.params.p(), c.nu);
    t.currency = c.country.currency();
    if (!s.currencies.get(t.currency).code().equals("USD") && rng.nextDouble() < s.usdShareAbroad) {
      t.currency = usdIndex();
    }
    return t;
  }

  private int usdIndex() {
    for (int k = 0; k < s.currencies.size(); k++) {
      if (s.currencies.get(k).code().equals("USD")) {
        return k;
      }
    }
    throw new IllegalStateException("USD missing");
  }

  /** The amount of {@code t} in its currency on its day, rounded to the currency's decimals, above 0. */
  private BigDecimal localAmount(Txn t) {
    int day = (int) Math.min(days - 1, t.sec / DAY);
    int decimals = s.currencies.get(t.currency).decimals();
    BigDecimal amount = BigDecimal.valueOf(t.usd / fx[day][t.currency]).setScale(decimals, RoundingMode.HALF_UP);
    if (amount.signum() <= 0) {
      amount = BigDecimal.ONE.movePointLeft(decimals);
    }
    return amount;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Social graph.

  private static final class Follow {
    long target;
    long sec;
    long unfollowSec = -1;
  }

  private List<Follow> follows(long u) {
    SplittableRandom rng = Rand.stream(spec.seed(), S_FOLLOW, u);
    int n = Rand.poisson(rng, s.followsPerUser);
    List<Follow> out = new ArrayList<>(n);
    Set<Long> taken = new HashSet<>();
    long initialWindow = Math.min(s.initialFollowDays, days) * DAY;
    for (int k = 0; k < n; k++) {
      long target = chooseTarget(rng, u, s.followInfluencerShare, taken);
      if (target < 0) {
        continue;
      }
      taken.add(target);
      Follow f = new Follow();
      f.target = target;
      f.sec = rng.nextDouble() < s.initialFollowShare ? rng.nextLong(initialWindow) : rng.nextLong(windowSeconds);
      if (rng.nextDouble() < s.unfollowRate && f.sec + 2 < windowSeconds) {
        f.unfollowSec = f.sec + 1 + rng.nextLong(windowSeconds - f.sec - 1);
      }
      out.add(f);
    }
    return out;
  }

  private double activity(long u, Core core) {
    if (core != null) {
      return core.params.socialActivity();
    }
    return isInfluencer(u) ? s.params(Archetype.INFLUENCERS).socialActivity() : s.nonCustomerActivity;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Emission.

  /** One event of the interactions feed before it is formatted. */
  private static final class Event {
    String id;
    String actor;
    String target;
    String type;
    long sec;
    int offsetSeconds;
    String offset;
    int rating;
  }

  /** A customer record version before it is formatted. */
  private static final class Profile {
    String customerId;
    String email;
    String phone;
    String country;
    String signupDate;
    boolean consent;
    long consentSec;
    long updatedSec;
    int offsetSeconds;
    String offset;

    Profile copy() {
      Profile p = new Profile();
      p.customerId = customerId;
      p.email = email;
      p.phone = phone;
      p.country = country;
      p.signupDate = signupDate;
      p.consent = consent;
      p.consentSec = consentSec;
      p.updatedSec = updatedSec;
      p.offsetSeconds = offsetSeconds;
      p.offset = offset;
      return p;
    }
  }

  /** Per-user emission state: the record counters and the delivery stream. */
  private final class Emitter {
    final long u;
    final Sink sink;
    final SplittableRandom delivery;
    int txnSeq;
    int eventSeq;

    Emitter(long u, Sink sink) {
      this.u = u;
      this.sink = sink;
      this.delivery = Rand.stream(spec.seed(), S_DELIVERY, u);
    }

    String nextTxnId() {
      return recordId('T', u, nextTxnSeq());
    }

    int nextTxnSeq() {
      if (txnSeq >= MAX_RECORDS_PER_USER) {
        throw new IllegalStateException("Customer " + userId(u) + " would get more than " + MAX_RECORDS_PER_USER
            + " transactions; expected fewer: lower the purchase rates (kindred.generate.archetypes.*.r/alpha)");
      }
      return txnSeq++;
    }

    String nextEventId() {
      if (eventSeq >= MAX_RECORDS_PER_USER) {
        throw new IllegalStateException("Social user " + userId(u) + " would get more than "
            + MAX_RECORDS_PER_USER + " interactions; expected fewer: lower kindred.generate.engagements-per-user-day");
      }
      return recordId('E', u, eventSeq++);
    }

    /** Where a clean record of event day {@code day} is delivered: that day, or 1..max-late-days later. */
    int deliveryDay(String feed, String id, int day) {
      if (delivery.nextDouble() < s.lateRate) {
        int lag = 1 + delivery.nextInt(s.maxLateDays);
        if (day + lag <= days - 1) {
          StringBuilder b = new StringBuilder("{");
          LineFormats.jsonField(b, "feed", feed, true);
          LineFormats.jsonField(b, "record_id", id, false);
          LineFormats.jsonField(b, "event_date", dayNames[day], false);
          LineFormats.jsonField(b, "delivered_day", dayNames[day + lag], false);
          b.append('}');
          sink.line(truthFeed(RawFeeds.TRUTH_LATE_RECORDS), NO_DAY, dayNames[day + lag] + "|" + feed + "|" + id,
              b.toString(), feed);
          return day + lag;
        }
      }
      return day;
    }

    /** Chooses the one defect of a dirty extra record, or none, among the reasons that apply. */
    Reason dirt(List<Reason> applicable) {
      double u = delivery.nextDouble();
      double acc = 0;
      for (Reason reason : applicable) {
        acc += s.dirt.get(reason);
        if (u < acc) {
          return reason;
        }
      }
      return null;
    }

    /** A later-or-same day whose transactions format matches {@code day}'s, for an exact duplicate. */
    int duplicateDay(int day, boolean sameFormatNeeded) {
      int candidates = 0;
      int[] choice = new int[4];
      for (int d = day; d <= Math.min(days - 1, day + 3); d++) {
        if (!sameFormatNeeded || jsonDay[d] == jsonDay[day]) {
          choice[candidates++] = d;
        }
      }
      return choice[delivery.nextInt(candidates)];
    }

    void emit(String feed, int day, String key, String line) {
      sink.line(feed, day, key, line, RECORD);
    }

    void bad(String feed, int day, Reason reason, String recordId, String key, String line) {
      sink.line(feed, day, key, line, reason.code());
      StringBuilder b = new StringBuilder("{");
      LineFormats.jsonField(b, "feed", feed, true);
      LineFormats.jsonField(b, "day", dayNames[day], false);
      LineFormats.jsonField(b, "reason", reason.code(), false);
      LineFormats.jsonField(b, "record_id", recordId, false);
      LineFormats.jsonField(b, "raw", line, false);
      b.append('}');
      sink.line(truthFeed(RawFeeds.TRUTH_BAD_RECORDS), NO_DAY, dayNames[day] + "|" + feed + "|" + key + "|" + line,
          b.toString(), feed + "/" + reason.code());
    }
  }

  /** The pseudo-feed name of a truth file (a name that needs no escaping as a folder name). */
  public static String truthFeed(String file) {
    return TRUTH_PREFIX + file;
  }

  /** Prefix of truth pseudo-feeds. */
  public static final String TRUTH_PREFIX = "truth_";

  static String sortKey(long sec, String id) {
    return padded((char) 0, sec, 11) + "|" + id;
  }

  /** Emits every line social user {@code u} owns: its profile, transactions, interactions and truth. */
  public void emit(long u, Sink sink) {
    Emitter e = new Emitter(u, sink);
    Core core = u < customers ? core(u) : null;
    List<Follow> follows = follows(u);
    String self = userId(u);
    int offsetSeconds;
    String offset;
    if (core != null) {
      offsetSeconds = core.offsetSeconds;
      offset = core.offset;
    } else {
      SplittableRandom nc = Rand.stream(spec.seed(), S_NON_CUSTOMER, u);
      Country country = s.countries.get(Rand.pick(nc, countryShares));
      int o = nc.nextInt(country.offsets().length);
      offsetSeconds = country.offsetSeconds()[o];
      offset = country.offsets()[o];
    }
    boolean influencer = isInfluencer(u);
    long community = community(u);

    // Social truth.
    sink.line(truthFeed(RawFeeds.TRUTH_SOCIAL_USERS), NO_DAY, self,
        self + "," + community + "," + influencer + "," + (core != null),
        (core != null ? "customer" : "non_customer") + (influencer ? "/influencer" : ""));

    if (core != null) {
      emitCustomer(e, core, follows, community);
    }

    // Interactions: follows and unfollows, engagements, referrals received.
    List<Event> events = new ArrayList<>();
    for (Follow f : follows) {
      events.add(event(e, self, userId(f.target), InteractionType.FOLLOW.code(), f.sec, offsetSeconds, offset, 0));
      if (f.unfollowSec >= 0) {
        events.add(event(e, self, userId(f.target), InteractionType.UNFOLLOW.code(), f.unfollowSec, offsetSeconds,
            offset, 0));
      }
    }
    SplittableRandom social = Rand.stream(spec.seed(), S_SOCIAL, u);
    int engagements = Rand.poisson(social, s.engagementsPerUserDay * days * activity(u, core));
    for (int k = 0; k < engagements; k++) {
      String type = ENGAGEMENTS[Rand.pick(social, s.engagementTypeWeights)];
      long target = chooseTarget(social, u, s.engageInfluencerShare, null);
      long sec = social.nextLong(windowSeconds);
      if (target >= 0) {
        events.add(event(e, self, userId(target), type, sec, offsetSeconds, offset, 0));
      }
    }
    if (core != null) {
      for (Txn t : core.purchases) {
        if (social.nextDouble() < s.reviewRate) {
          long sec = t.sec + DAY / 2 + social.nextLong(13 * DAY + DAY / 2);
          int rating = 1 + Rand.pick(social, s.ratingWeights);
          if (sec < windowSeconds) {
            events.add(event(e, self, productId(t.product), InteractionType.REVIEW.code(), sec, offsetSeconds, offset, rating));
          }
        }
      }
    }
    double referral = core != null ? s.referralRate : s.nonCustomerReferralRate;
    if (social.nextDouble() < referral && users > 1) {
      long sec = core != null ? core.signupSec - DAY - social.nextLong(29 * DAY) : social.nextLong(windowSeconds);
      long referrer = -1;
      for (int attempt = 0; attempt < 8 && referrer < 0; attempt++) {
        long candidate = randomMember(social, community);
        referrer = candidate == u ? -1 : candidate;
      }
      if (sec >= 0 && referrer >= 0) {
        SplittableRandom other = Rand.stream(spec.seed(), S_NON_CUSTOMER, referrer);
        Country country = referrer < customers ? core(referrer).country
            : s.countries.get(Rand.pick(other, countryShares));
        int o = referrer < customers ? 0 : other.nextInt(country.offsets().length);
        events.add(event(e, userId(referrer), self, InteractionType.REFERRAL.code(), sec, country.offsetSeconds()[o],
            country.offsets()[o], 0));
      }
    }
    for (Event ev : events) {
      deliverEvent(e, ev);
    }
  }

  private Event event(Emitter e, String actor, String target, String type, long sec, int offsetSeconds,
      String offset, int rating) {
    Event ev = new Event();
    ev.id = e.nextEventId();
    ev.actor = actor;
    ev.target = target;
    ev.type = type;
    ev.sec = sec;
    ev.offsetSeconds = offsetSeconds;
    ev.offset = offset;
    ev.rating = rating;
    return ev;
  }

  private String eventLine(Event ev, String timestampText) {
    StringBuilder b = new StringBuilder(160).append('{');
    LineFormats.jsonField(b, InteractionFields.EVENT_ID, ev.id, true);
    LineFormats.jsonField(b, InteractionFields.ACTOR, ev.actor, false);
    LineFormats.jsonField(b, InteractionFields.TARGET, ev.target, false);
    LineFormats.jsonField(b, InteractionFields.TYPE, ev.type, false);
    LineFormats.jsonField(b, InteractionFields.TIMESTAMP,
        timestampText != null ? timestampText : ts(ev.sec, ev.offsetSeconds, ev.offset), false);
    if (InteractionType.REVIEW.is(ev.type) || ev.rating != 0) {
      LineFormats.jsonNumber(b, InteractionFields.RATING, Integer.toString(ev.rating));
    }
    return b.append('}').toString();
  }

  private static final List<Reason> EVENT_REASONS = List.of(Reason.MALFORMED_RECORD, Reason.BAD_TIMESTAMP,
      Reason.FUTURE_TIMESTAMP, Reason.EXACT_DUPLICATE, Reason.SELF_INTERACTION, Reason.UNKNOWN_INTERACTION_TYPE);
  private static final List<Reason> REVIEW_REASONS = List.of(Reason.MALFORMED_RECORD, Reason.BAD_TIMESTAMP,
      Reason.FUTURE_TIMESTAMP, Reason.EXACT_DUPLICATE, Reason.RATING_OUT_OF_RANGE);

  private void deliverEvent(Emitter e, Event ev) {
    String feed = RawFeeds.INTERACTIONS;
    int day = (int) (ev.sec / DAY);
    int delivered = e.deliveryDay(feed, ev.id, day);
    String line = eventLine(ev, null);
    String key = sortKey(ev.sec, ev.id);
    e.emit(feed, delivered, key, line);
    boolean review = InteractionType.REVIEW.is(ev.type);
    Reason reason = e.dirt(review ? REVIEW_REASONS : EVENT_REASONS);
    if (reason == null) {
      return;
    }
    SplittableRandom r = e.delivery;
    if (reason == Reason.EXACT_DUPLICATE) {
      e.bad(feed, e.duplicateDay(delivered, false), reason, ev.id, key, line);
      return;
    }
    Event copy = event(e, ev.actor, ev.target, ev.type, ev.sec, ev.offsetSeconds, ev.offset, ev.rating);
    String timestamp = null;
    switch (reason) {
      case MALFORMED_RECORD -> {
        String broken = breakJson(eventLine(copy, null), r);
        e.bad(feed, day, reason, copy.id, sortKey(copy.sec, copy.id), broken);
        return;
      }
      case BAD_TIMESTAMP -> timestamp = badTimestamp(r, copy);
      case FUTURE_TIMESTAMP -> copy.sec = futureSec(r, day);
      case SELF_INTERACTION -> copy.target = copy.actor;
      case UNKNOWN_INTERACTION_TYPE -> copy.type = BAD_TYPES[r.nextInt(BAD_TYPES.length)];
      case RATING_OUT_OF_RANGE -> copy.rating = BAD_RATINGS[r.nextInt(BAD_RATINGS.length)];
      default -> throw new IllegalStateException("unexpected " + reason);
    }
    e.bad(feed, day, reason, copy.id, sortKey(ev.sec, copy.id), eventLine(copy, timestamp));
  }

  private String badTimestamp(SplittableRandom r, Event ev) {
    return badTimestamp(r, ev.sec, ev.offsetSeconds, ev.offset);
  }

  private String badTimestamp(SplittableRandom r, long sec, int offsetSeconds, String offset) {
    String good = ts(sec, offsetSeconds, offset);
    return switch (r.nextInt(4)) {
      case 0 -> good.substring(0, 10) + " " + good.substring(11, 19);
      case 1 -> good.substring(8, 10) + "/" + good.substring(5, 7) + "/" + good.substring(0, 4) + " "
          + good.substring(11, 16);
      case 2 -> good.substring(0, 5) + "13" + good.substring(7);
      default -> good.substring(0, 19);
    };
  }

  private long futureSec(SplittableRandom r, int day) {
    return (day + 2L + r.nextInt(28)) * DAY + r.nextLong(DAY);
  }

  private static String breakJson(String line, SplittableRandom r) {
    return switch (r.nextInt(3)) {
      case 0 -> line.substring(0, line.length() - 1 - r.nextInt(5));
      case 1 -> line.replaceFirst("\":", "\"=");
      default -> line.substring(0, 1) + line.substring(2);
    };
  }

  private static String breakCsv(String line, SplittableRandom r) {
    if (r.nextBoolean()) {
      int cut = line.lastIndexOf(',', line.lastIndexOf(',') - 1);
      return line.substring(0, cut);
    }
    return line.replace(',', ';');
  }

  String ts(long sec, int offsetSeconds, String offset) {
    return LineFormats.timestamp(startEpoch + sec, offsetSeconds, offset);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // A customer's records.

  private static final List<Reason> PURCHASE_REASONS = List.of(Reason.MALFORMED_RECORD, Reason.MISSING_CUSTOMER_ID,
      Reason.BAD_TIMESTAMP, Reason.FUTURE_TIMESTAMP, Reason.NON_POSITIVE_AMOUNT, Reason.UNKNOWN_CURRENCY,
      Reason.EXACT_DUPLICATE, Reason.CONFLICTING_DUPLICATE);
  private static final List<Reason> RETURN_REASONS = List.of(Reason.MALFORMED_RECORD, Reason.MISSING_CUSTOMER_ID,
      Reason.BAD_TIMESTAMP, Reason.FUTURE_TIMESTAMP, Reason.UNKNOWN_CURRENCY, Reason.EXACT_DUPLICATE);
  private static final List<Reason> PROFILE_REASONS = List.of(Reason.MALFORMED_RECORD, Reason.MISSING_CUSTOMER_ID,
      Reason.EXACT_DUPLICATE);

  private void emitCustomer(Emitter e, Core core, List<Follow> follows, long community) {
    long i = core.index;
    String id = customerId(i);
    // Purchases (BG/NBD), then purchases influenced by followed influencers, then returns of both.
    List<Txn> all = new ArrayList<>(core.purchases);
    e.txnSeq = core.purchases.size();
    int boosted = 0;
    if (s.influenceBoost > 0) {
      SplittableRandom boost = Rand.stream(spec.seed(), S_BOOST, i);
      for (Follow f : follows) {
        if (f.target >= customers || !isInfluencer(f.target)) {
          continue;
        }
        Core idol = core(f.target);
        for (Txn bought : idol.purchases) {
          boolean following = bought.sec > f.sec && (f.unfollowSec < 0 || bought.sec < f.unfollowSec);
          if (!following || boost.nextDouble() >= s.influenceBoost) {
            continue;
          }
          long sec = bought.sec + 1 + boost.nextLong(s.influenceDays * DAY);
          boolean active = sec > core.purchases.get(0).sec && (core.dropoutSec < 0 || sec <= core.dropoutSec);
          if (sec < windowSeconds && active) {
            Txn t = purchase(boost, core, 0, sec, bought.category);
            t.seq = e.nextTxnSeq();
            all.add(t);
            boosted++;
          }
        }
      }
    }
    // The planted campaign: each purchase of a treated customer in the days after the campaign night brings a second
    // one later that day with chance purchase-uplift, so treated customers buy that much more often, in expectation.
    String campaignGroup = s.campaign.planted() ? s.campaign.groupOf(i, id) : null;
    int planted = 0;
    if (AudienceColumns.TREATMENT.equals(campaignGroup)) {
      SplittableRandom campaign = Rand.stream(spec.seed(), S_CAMPAIGN, i);
      long from = (days - s.campaign.nightBeforeEnd()) * DAY;
      long to = Math.min(windowSeconds, from + s.campaign.days() * DAY);
      for (Txn bought : new ArrayList<>(all)) {
        if (bought.sec >= from && bought.sec < to && campaign.nextDouble() < s.campaign.purchaseUplift()) {
          long endOfDay = (bought.sec / DAY + 1) * DAY;
          Txn t = purchase(campaign, core, 0, bought.sec + campaign.nextLong(endOfDay - bought.sec), -1);
          t.seq = e.nextTxnSeq();
          all.add(t);
          planted++;
        }
      }
    }
    SplittableRandom returns = Rand.stream(spec.seed(), S_RETURN, i);
    List<Txn> returned = new ArrayList<>();
    for (Txn t : all) {
      if (returns.nextDouble() < core.params.returnRate()) {
        long sec = t.sec + DAY + returns.nextLong((s.maxReturnDays - 1) * DAY + 1);
        if (sec < windowSeconds) {
          Txn r = t.copy();
          r.sec = sec;
          r.originalId = recordId('T', i, t.seq);
          r.seq = e.nextTxnSeq();
          returned.add(r);
        }
      }
    }
    all.addAll(returned);
    for (Txn t : all) {
      deliverTxn(e, core, id, t);
    }

    // Profile versions.
    List<Profile> versions = profiles(core, id);
    for (Profile p : versions) {
      deliverProfile(e, p);
    }

    // Truth.
    String truth = String.join(",", id, core.archetype.code(), Long.toString(community),
        Boolean.toString(core.archetype == Archetype.INFLUENCERS), dayNames[(int) (core.signupSec / DAY)],
        ts(core.purchases.get(0).sec, 0, "Z"), Double.toString(core.lambda), Double.toString(core.p),
        Double.toString(core.nu), core.dropoutSec < 0 ? "" : dayNames[(int) (core.dropoutSec / DAY)],
        Integer.toString(core.purchases.size()), Integer.toString(boosted), Integer.toString(returned.size()),
        campaignGroup == null ? "" : campaignGroup, Integer.toString(planted));
    e.sink.line(truthFeed(RawFeeds.TRUTH_CUSTOMERS), NO_DAY, id, truth, core.archetype.code());
  }

  private String txnLine(Txn t, String txnId, String customerId, String timestamp, String amount,
      String currency, boolean json, Core core) {
    String ts = timestamp != null ? timestamp : ts(t.sec, core.offsetSeconds, core.offset);
    String cur = currency != null ? currency : s.currencies.get(t.currency).code();
    String qty = Integer.toString(t.originalId != null ? -t.quantity : t.quantity);
    if (!json) {
      return String.join(",", txnId, customerId, ts, amount, cur, qty, productId(t.product),
          s.categories.get(t.category), s.channels.get(t.channel), t.originalId == null ? "" : t.originalId);
    }
    StringBuilder b = new StringBuilder(200).append('{');
    LineFormats.jsonField(b, TransactionFields.TRANSACTION_ID, txnId, true);
    if (!customerId.isEmpty()) {
      LineFormats.jsonField(b, TransactionFields.CUSTOMER_ID, customerId, false);
    }
    LineFormats.jsonField(b, TransactionFields.TIMESTAMP, ts, false);
    LineFormats.jsonNumber(b, TransactionFields.AMOUNT, amount);
    LineFormats.jsonField(b, TransactionFields.CURRENCY, cur, false);
    LineFormats.jsonNumber(b, TransactionFields.QUANTITY, qty);
    LineFormats.jsonField(b, TransactionFields.PRODUCT_ID, productId(t.product), false);
    LineFormats.jsonField(b, TransactionFields.CATEGORY, s.categories.get(t.category), false);
    LineFormats.jsonField(b, TransactionFields.CHANNEL, s.channels.get(t.channel), false);
    if (t.originalId != null) {
      LineFormats.jsonField(b, TransactionFields.ORIGINAL_TRANSACTION_ID, t.originalId, false);
    }
    return b.append('}').toString();
  }

  private void deliverTxn(Emitter e, Core core, String customerId, Txn t) {
    String feed = RawFeeds.TRANSACTIONS;
    String txnId = recordId('T', core.index, t.seq);
    int day = (int) (t.sec / DAY);
    int delivered = e.deliveryDay(feed, txnId, day);
    BigDecimal local = localAmount(t);
    String amount = (t.originalId != null ? local.negate() : local).toPlainString();
    String line = txnLine(t, txnId, customerId, null, amount, null, jsonDay[delivered], core);
    String key = sortKey(t.sec, txnId);
    e.emit(feed, delivered, key, line);
    boolean isReturn = t.originalId != null;
    Reason reason = e.dirt(isReturn ? RETURN_REASONS : PURCHASE_REASONS);
    if (reason == null) {
      return;
    }
    SplittableRandom r = e.delivery;
    switch (reason) {
      case EXACT_DUPLICATE -> e.bad(feed, e.duplicateDay(delivered, true), reason, txnId, key, line);
      case CONFLICTING_DUPLICATE -> {
        long sec = Math.min(windowSeconds - 1, t.sec + 60 + r.nextLong(2 * DAY));
        if (sec <= t.sec) {
          return;
        }
        int dest = Math.max(delivered, (int) (sec / DAY));
        BigDecimal other = BigDecimal.valueOf(t.usd * (1.1 + 0.9 * r.nextDouble()) / fx[day][t.currency])
            .setScale(local.scale(), RoundingMode.HALF_UP);
        if (other.compareTo(local) <= 0) {
          other = local.add(BigDecimal.ONE.movePointLeft(local.scale()));
        }
        Txn copy = t.copy();
        copy.sec = sec;
        e.bad(feed, dest, reason, txnId, sortKey(sec, txnId),
            txnLine(copy, txnId, customerId, null, other.toPlainString(), null, jsonDay[dest], core));
      }
      default -> {
        String copyId = e.nextTxnId();
        String copyCustomer = customerId;
        String timestamp = null;
        String copyAmount = amount;
        String currency = null;
        Txn copy = t.copy();
        switch (reason) {
          case MALFORMED_RECORD -> { }
          case MISSING_CUSTOMER_ID -> copyCustomer = "";
          case BAD_TIMESTAMP -> timestamp = badTimestamp(r, t.sec, core.offsetSeconds, core.offset);
          case FUTURE_TIMESTAMP -> copy.sec = futureSec(r, day);
          case NON_POSITIVE_AMOUNT -> copyAmount = r.nextInt(3) == 0
              ? BigDecimal.ZERO.setScale(local.scale()).toPlainString() : local.negate().toPlainString();
          case UNKNOWN_CURRENCY -> currency = BAD_CURRENCIES[r.nextInt(BAD_CURRENCIES.length)];
          default -> throw new IllegalStateException("unexpected " + reason);
        }
        String dirty = txnLine(copy, copyId, copyCustomer, timestamp, copyAmount, currency, jsonDay[day], core);
        if (reason == Reason.MALFORMED_RECORD) {
          dirty = jsonDay[day] ? breakJson(dirty, r) : breakCsv(dirty, r);
        }
        e.bad(feed, day, reason, copyId, sortKey(t.sec, copyId), dirty);
      }
    }
  }

  private List<Profile> profiles(Core core, String id) {
    SplittableRandom rng = Rand.stream(spec.seed(), S_PROFILE, core.index);
    Profile p = new Profile();
    p.customerId = id;
    p.country = core.country.code();
    p.email = email(rng, core.index);
    p.phone = phone(rng, core.country.code());
    p.signupDate = dayNames[(int) (core.signupSec / DAY)];
    p.consent = rng.nextDouble() < s.consentRate;
    p.consentSec = core.signupSec;
    p.updatedSec = core.signupSec;
    p.offsetSeconds = core.offsetSeconds;
    p.offset = core.offset;
    List<Profile> out = new ArrayList<>();
    out.add(p);
    int changes = 0;
    while (changes < 3 && rng.nextDouble() < s.changeRate) {
      changes++;
    }
    long[] times = new long[changes];
    for (int k = 0; k < changes; k++) {
      times[k] = core.signupSec + 1 + rng.nextLong(Math.max(1, windowSeconds - core.signupSec - 1));
    }
    Arrays.sort(times);
    long last = core.signupSec;
    Profile current = p;
    for (int k = 0; k < changes; k++) {
      long sec = Math.max(times[k], last + 1);
      if (sec >= windowSeconds) {
        break;
      }
      last = sec;
      Profile next = current.copy();
      next.updatedSec = sec;
      switch (rng.nextInt(3)) {
        case 0 -> next.email = email(rng, core.index);
        case 1 -> next.phone = phone(rng, core.country.code());
        default -> {
          next.consent = !next.consent;
          next.consentSec = sec;
        }
      }
      out.add(next);
      current = next;
    }
    return out;
  }

  private String profileLine(Profile p, String customerId) {
    return String.join(",", customerId, p.email, p.phone, p.country, p.signupDate, Boolean.toString(p.consent),
        ts(p.consentSec, p.offsetSeconds, p.offset), ts(p.updatedSec, p.offsetSeconds, p.offset));
  }

  private void deliverProfile(Emitter e, Profile p) {
    String feed = RawFeeds.CUSTOMERS;
    int day = (int) (p.updatedSec / DAY);
    int delivered = e.deliveryDay(feed, p.customerId, day);
    String line = profileLine(p, p.customerId);
    String key = sortKey(p.updatedSec, p.customerId);
    e.emit(feed, delivered, key, line);
    Reason reason = e.dirt(PROFILE_REASONS);
    if (reason == null) {
      return;
    }
    switch (reason) {
      case EXACT_DUPLICATE -> e.bad(feed, e.duplicateDay(delivered, false), reason, p.customerId, key, line);
      case MALFORMED_RECORD -> e.bad(feed, day, reason, p.customerId, key + "|m", breakCsv(line, e.delivery));
      case MISSING_CUSTOMER_ID -> e.bad(feed, day, reason, null, key + "|x", profileLine(p, ""));
      default -> throw new IllegalStateException("unexpected " + reason);
    }
  }

  private static String email(SplittableRandom rng, long index) {
    String first = FIRST[rng.nextInt(FIRST.length)];
    String last = LAST[rng.nextInt(LAST.length)];
    String sep = switch (rng.nextInt(3)) {
      case 0 -> ".";
      case 1 -> "_";
      default -> "";
    };
    String local = first + sep + last + (index + 1);
    String domain = DOMAINS[rng.nextInt(DOMAINS.length)];
    double style = rng.nextDouble();
    String typed;
    if (style < 0.7) {
      typed = local + "@" + domain;
    } else if (style < 0.9) {
      typed = Character.toUpperCase(local.charAt(0)) + local.substring(1) + "@" + domain;
    } else {
      typed = (local + "@" + domain).toUpperCase(Locale.ROOT);
    }
    double space = rng.nextDouble();
    if (space < 0.04) {
      typed = " " + typed;
    } else if (space < 0.08) {
      typed = typed + " ";
    }
    return typed;
  }

  private static String digits(SplittableRandom rng, int n) {
    StringBuilder b = new StringBuilder(n);
    for (int k = 0; k < n; k++) {
      b.append((char) ('0' + rng.nextInt(10)));
    }
    return b.toString();
  }

  private static String phone(SplittableRandom rng, String country) {
    int style = rng.nextInt(3);
    switch (country) {
      case "US", "CA" -> {
        String area = (2 + rng.nextInt(8)) + digits(rng, 2);
        String exchange = (2 + rng.nextInt(8)) + digits(rng, 2);
        String line = digits(rng, 4);
        return switch (style) {
          case 0 -> "(" + area + ") " + exchange + "-" + line;
          case 1 -> area + "-" + exchange + "-" + line;
          default -> "+1 " + area + " " + exchange + " " + line;
        };
      }
      case "GB" -> {
        String a = "7" + digits(rng, 3);
        String b = digits(rng, 6);
        return switch (style) {
          case 0 -> "0" + a + " " + b;
          case 1 -> "+44 " + a + " " + b;
          default -> "0" + a + b;
        };
      }
      case "DE" -> {
        String a = "15" + digits(rng, 1);
        String b = digits(rng, 8);
        return style == 0 ? "0" + a + " " + b : style == 1 ? "+49 " + a + " " + b : "0" + a + "/" + b;
      }
      case "FR" -> {
        String a = (6 + rng.nextInt(2)) + "";
        String b = digits(rng, 2) + " " + digits(rng, 2) + " " + digits(rng, 2) + " " + digits(rng, 2);
        return style == 0 ? "0" + a + " " + b : style == 1 ? "+33 " + a + " " + b : "0" + a + b.replace(" ", "");
      }
      case "JP" -> {
        String a = "90";
        String b = digits(rng, 4);
        String c = digits(rng, 4);
        return style == 0 ? "0" + a + "-" + b + "-" + c : style == 1 ? "+81 " + a + " " + b + " " + c
            : "0" + a + b + c;
      }
      default -> {
        return "+" + digits(rng, 11);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Driver-side lines: headers and FX rates.

  /** Emits each CSV file's header (sort key "" so it comes first) and the FX rates of every day. */
  public void emitDaily(Sink sink) {
    String customersHeader = RawFeeds.header(CustomerFields.ALL);
    String transactionsHeader = RawFeeds.header(TransactionFields.ALL);
    String fxHeader = RawFeeds.header(FxFields.ALL);
    sink.line(truthFeed(RawFeeds.TRUTH_CUSTOMERS), NO_DAY, "", String.join(",", RawFeeds.TRUTH_CUSTOMER_COLUMNS),
        HEADER);
    sink.line(truthFeed(RawFeeds.TRUTH_SOCIAL_USERS), NO_DAY, "",
        String.join(",", RawFeeds.TRUTH_SOCIAL_USER_COLUMNS), HEADER);
    for (int d = 0; d < days; d++) {
      sink.line(RawFeeds.CUSTOMERS, d, "", customersHeader, HEADER);
      if (!jsonDay[d]) {
        sink.line(RawFeeds.TRANSACTIONS, d, "", transactionsHeader, HEADER);
      }
      sink.line(RawFeeds.FX_RATES, d, "", fxHeader, HEADER);
      for (int c = 0; c < s.currencies.size(); c++) {
        String code = s.currencies.get(c).code();
        sink.line(RawFeeds.FX_RATES, d, code, String.join(",", dayNames[d], code, fxText[d][c]), RECORD);
      }
    }
  }
}
