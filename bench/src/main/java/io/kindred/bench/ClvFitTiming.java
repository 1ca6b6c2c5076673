package io.kindred.bench;

import com.beust.jcommander.Parameter;
import com.beust.jcommander.Parameters;
import io.kindred.clv.BgNbdParams;
import io.kindred.clv.ClvFit;
import io.kindred.clv.ClvFitter;
import io.kindred.clv.FitOptions;
import io.kindred.clv.GammaGammaParams;
import io.kindred.clv.RfmTriples;
import io.kindred.clv.SpendSummaries;
import io.kindred.config.KindredConfig;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench clv-fit}: fits Kindred's BG/NBD and Gamma-Gamma ({@link ClvFitter}, with the options
 * {@code build-features} uses) on summary CSVs ({@code customer_id,x,t_x,T,mbar}, one row per customer, see
 * {@link ClvSummaries}) and writes each fit's parameters, log-likelihood and times as JSON.
 *
 * <p>A timed BG/NBD run reduces the customers to distinct (x, t_x, T) triples with counts, as the job does, and
 * fits; a Gamma-Gamma run reduces the repeat buyers with a positive {@code mbar} to distinct (x, mbar) rows and fits.
 * Parsing the file is not timed (the Python side times lifetimes on arrays already in memory too). The first run
 * has a cold JIT, as a nightly driver's first fit has.
 *
 * <p>Example: {@code bench clv-fit --summary s10000.csv --summary s100000.csv --out clv-kindred.json}
 */
@Parameters(commandNames = "clv-fit", commandDescription = "Time Kindred's BG/NBD and Gamma-Gamma fits on summary "
    + "CSVs (customer_id,x,t_x,T,mbar).")
final class ClvFitTiming implements Bench.Command {

  @Parameter(names = "--summary", required = true, description = "A summary CSV (repeatable).")
  private List<String> summaries = new ArrayList<>();

  @Parameter(names = "--out", required = true, description = "JSON file to write.")
  private String out;

  @Parameter(names = "--config", description = "Configuration overlay (fit options of kindred.features.clv).")
  private String config;

  @Parameter(names = "--repeat", description = "Timed runs per fit (the first one has a cold JIT).")
  private int repeat = 2;

  /** One summary file in memory. */
  record Summary(int[] x, double[] tx, double[] age, double[] mbar) {
  }

  @Override
  public void run() throws Exception {
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
    }
    KindredConfig conf = BenchSpark.config(config == null ? null : Path.of(config));
    // the options build-features fits with (BuildFeaturesCommand)
    FitOptions options = new FitOptions(FitOptions.DEFAULT.maxIterations(), FitOptions.DEFAULT.tolerance(),
        FitOptions.DEFAULT.memory(), conf.getInt("features.clv.min-repeat-buyers"),
        conf.getDouble("features.clv.gamma-gamma-shape-penalty"));
    List<Map<String, Object>> results = new ArrayList<>();
    for (String file : summaries) {
      Summary s = read(Path.of(file));
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("summary", file);
      r.put("customers", s.x().length);
      List<Object> bgRuns = new ArrayList<>();
      ClvFit<BgNbdParams> bg = null;
      for (int i = 0; i < repeat; i++) {
        long start = System.nanoTime();
        RfmTriples triples = triples(s);
        bg = ClvFitter.fitBgNbd(triples, options);
        bgRuns.add(Json.millisSince(start));
      }
      r.put("bg_nbd", fit(bg, bgRuns));
      List<Object> ggRuns = new ArrayList<>();
      ClvFit<GammaGammaParams> gg = null;
      for (int i = 0; i < repeat; i++) {
        long start = System.nanoTime();
        gg = ClvFitter.fitGammaGamma(spend(s), options);
        ggRuns.add(Json.millisSince(start));
      }
      r.put("gamma_gamma", fit(gg, ggRuns));
      System.out.println("bench clv-fit: " + file + ": " + bg + "; " + gg);
      results.add(r);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("fit_options", Map.of("max_iterations", options.maxIterations(), "tolerance", options.tolerance(),
        "min_repeat_buyers", options.minRepeatBuyers(), "gamma_gamma_shape_penalty",
        conf.getDouble("features.clv.gamma-gamma-shape-penalty")));
    json.put("fits", results);
    Json.write(Path.of(out), json);
  }

  private static Map<String, Object> fit(ClvFit<?> fit, List<Object> wallMs) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("params", fit.params().asMap());
    m.put("standard_errors", fit.standardErrorMap());
    m.put("log_likelihood", fit.logLikelihood());
    m.put("customers", fit.customers());
    m.put("distinct_rows", fit.distinctRows());
    m.put("iterations", fit.iterations());
    m.put("convergence", fit.convergence());
    m.put("status", fit.status().code());
    m.put("gradient_norm", fit.gradientNorm());
    m.put("newton_step_se", fit.newtonStep());
    m.put("wall_ms", wallMs);
    return m;
  }

  /** The job's BG/NBD input: distinct (x, t_x, T) with customer counts. */
  static RfmTriples triples(Summary s) {
    RfmTriples.Builder b = RfmTriples.builder();
    for (int i = 0; i < s.x().length; i++) {
      b.add(s.x()[i], s.tx()[i], s.age()[i]);
    }
    return b.build();
  }

  /** The job's Gamma-Gamma input: repeat buyers with a positive mbar, as distinct (x, mbar) with counts. */
  static SpendSummaries spend(Summary s) {
    record Key(int x, double mbar) {
    }
    Map<Key, long[]> counts = new HashMap<>();
    for (int i = 0; i < s.x().length; i++) {
      if (s.x()[i] > 0 && s.mbar()[i] > 0) {
        counts.computeIfAbsent(new Key(s.x()[i], s.mbar()[i]), k -> new long[1])[0]++;
      }
    }
    int n = counts.size();
    int[] x = new int[n];
    double[] mbar = new double[n];
    long[] c = new long[n];
    int i = 0;
    for (Map.Entry<Key, long[]> e : counts.entrySet()) {
      x[i] = e.getKey().x();
      mbar[i] = e.getKey().mbar();
      c[i++] = e.getValue()[0];
    }
    return SpendSummaries.of(x, mbar, c);
  }

  /** Reads a summary CSV; a line that does not parse fails with its number and text. */
  static Summary read(Path file) throws java.io.IOException {
    List<String> lines;
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = r.readLine();
      if (!ClvSummaries.HEADER.equals(header)) {
        throw new IllegalArgumentException(file + ": header is '" + header + "'; expected '" + ClvSummaries.HEADER
            + "'");
      }
      lines = r.lines().toList();
    }
    int n = lines.size();
    int[] x = new int[n];
    double[] tx = new double[n];
    double[] age = new double[n];
    double[] mbar = new double[n];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i).split(",", -1);
      try {
        if (f.length != 5) {
          throw new NumberFormatException(f.length + " fields, expected 5");
        }
        x[i] = Integer.parseInt(f[1]);
        tx[i] = Double.parseDouble(f[2]);
        age[i] = Double.parseDouble(f[3]);
        mbar[i] = Double.parseDouble(f[4]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(file + " line " + (i + 2) + " '" + lines.get(i) + "': " + e.getMessage(),
            e);
      }
    }
    if (n == 0) {
      throw new IllegalArgumentException(file + " has no customer rows");
    }
    return new Summary(x, tx, age, mbar);
  }
}
