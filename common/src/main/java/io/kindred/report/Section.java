package io.kindred.report;

import java.util.ArrayList;
import java.util.List;

/** One section of the report: a title, a short text on how to read it, then its charts and tables in order. */
public final class Section {

  private final String id;
  private final String title;
  private final String howToRead;
  private final List<String> parts = new ArrayList<>();

  public Section(String id, String title, String howToRead) {
    this.id = id;
    this.title = title;
    this.howToRead = howToRead;
  }

  public String id() {
    return id;
  }

  public String title() {
    return title;
  }

  /** A chart (inline SVG) with its caption. */
  public Section chart(String caption, String svg) {
    parts.add("<figure>" + svg + "<figcaption>" + Readable.html(caption) + "</figcaption></figure>");
    return this;
  }

  /** A paragraph of text. */
  public Section paragraph(String text) {
    parts.add("<p>" + Readable.html(text) + "</p>");
    return this;
  }

  /**
   * A table: a header row, then rows of cells (already readable text); numeric-looking cells ({@code 1,234},
   * {@code $5.00}, {@code 12.5%}, {@code 7+}, {@code -}) align right.
   */
  public Section table(List<String> header, List<List<String>> rows) {
    StringBuilder out = new StringBuilder("<table><thead><tr>");
    header.forEach(h -> out.append("<th>").append(Readable.html(h)).append("</th>"));
    out.append("</tr></thead><tbody>");
    for (List<String> row : rows) {
      out.append("<tr>");
      for (String cell : row) {
        boolean numeric = cell.matches("[-$]*[0-9][0-9,.]*[%+]?|-");
        out.append(numeric ? "<td class=\"n\">" : "<td>").append(Readable.html(cell)).append("</td>");
      }
      out.append("</tr>");
    }
    parts.add(out.append("</tbody></table>").toString());
    return this;
  }

  /** The section as HTML. */
  public String toHtml() {
    return toHtml(true);
  }

  /** The section as HTML, without its heading when the host page (a notebook) gives its own. */
  public String toHtml(boolean heading) {
    StringBuilder out = new StringBuilder("<section id=\"").append(id).append("\">");
    if (heading) {
      out.append("<h2>").append(Readable.html(title)).append("</h2>");
    }
    out.append("<p class=\"how\">").append(Readable.html(howToRead)).append("</p>");
    parts.forEach(out::append);
    return out.append("</section>").toString();
  }
}
