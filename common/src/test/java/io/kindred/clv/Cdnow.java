package io.kindred.clv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The CDNOW 2,357-customer summary from {@code src/test/resources/cdnow/} (see the README there). */
final class Cdnow {

  /** One customer: repeat purchases, recency and age in weeks, mean value of the repeat purchases. */
  record Customer(int id, int x, double tx, double age, double zbar) {
  }

  private Cdnow() {
  }

  static List<Customer> customers() {
    List<Customer> out = new ArrayList<>();
    try (InputStream in = Cdnow.class.getResourceAsStream("/cdnow/cdnow_customers_summary_with_transactions.csv");
         BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String header = reader.readLine();
      if (!header.equals("ID,x,t_x,T,zbar")) {
        throw new IllegalStateException("unexpected header " + header);
      }
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String[] f = line.split(",");
        out.add(new Customer(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
            Double.parseDouble(f[3]), Double.parseDouble(f[4])));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  static RfmTriples triples() {
    RfmTriples.Builder builder = RfmTriples.builder();
    for (Customer c : customers()) {
      builder.add(c.x(), c.tx(), c.age());
    }
    return builder.build();
  }

  static SpendSummaries repeatBuyerSpend() {
    List<Customer> repeat = customers().stream().filter(c -> c.x() > 0).toList();
    int[] x = new int[repeat.size()];
    double[] m = new double[repeat.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = repeat.get(i).x();
      m[i] = repeat.get(i).zbar();
    }
    return SpendSummaries.ofCustomers(x, m);
  }
}
