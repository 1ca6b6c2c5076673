package io.kindred.report;

import static io.kindred.report.Readable.html;

import java.util.List;

/** The report as one self-contained HTML page: a header, a table of contents, the sections; no external files. */
public final class ReportPage {

  private static final String STYLE = "body{font-family:Helvetica,Arial,sans-serif;color:#222;max-width:820px;"
      + "margin:24px auto;padding:0 16px;line-height:1.45}h1{font-size:26px;margin-bottom:4px}h2{font-size:20px;"
      + "border-bottom:2px solid #3b6ea8;padding-bottom:4px;margin-top:40px}.sub{color:#666;margin-top:0}"
      + ".how{background:#f3f6fa;border-left:4px solid #3b6ea8;padding:8px 12px}figure{margin:16px 0}"
      + "figcaption{color:#555;font-size:13px;margin-top:4px}table{border-collapse:collapse;margin:12px 0;"
      + "font-size:13px}th,td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}td.n{text-align:right;"
      + "font-variant-numeric:tabular-nums}th{background:#f3f6fa}nav li{margin:2px 0}";

  private ReportPage() {
  }

  /**
   * The sections alone, for a page of another tool (a notebook, which gives the headings): in a {@code div} of class
   * {@code kindred} with the report's style scoped to it, so the host page's own style is left as it is.
   */
  public static String fragment(List<Section> sections) {
    StringBuilder out = new StringBuilder(1 << 16).append("<div class=\"kindred\"><style>").append(scoped(STYLE))
        .append("</style>");
    sections.forEach(s -> out.append(s.toHtml(false)));
    return out.append("</div>").toString();
  }

  /** {@code css} with each rule's selectors below {@code .kindred} ({@code body} becomes {@code .kindred}). */
  static String scoped(String css) {
    StringBuilder out = new StringBuilder();
    for (String rule : css.split("}")) {
      int brace = rule.indexOf('{');
      if (brace < 0) {
        continue;
      }
      String selectors = java.util.Arrays.stream(rule.substring(0, brace).split(","))
          .map(String::strip).map(sel -> sel.equals("body") ? ".kindred" : ".kindred " + sel)
          .collect(java.util.stream.Collectors.joining(","));
      out.append(selectors).append(rule.substring(brace)).append('}');
    }
    return out.toString();
  }

  /** The page: {@code title}, a subtitle line, then every section. */
  public static String render(String title, String subtitle, List<Section> sections) {
    StringBuilder out = new StringBuilder(1 << 16).append("<!DOCTYPE html>\n<html lang=\"en\"><head>"
        + "<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        .append(html(title)).append("</title><style>").append(STYLE).append("</style></head><body><h1>")
        .append(html(title)).append("</h1><p class=\"sub\">").append(html(subtitle)).append("</p><nav><ol>");
    for (Section s : sections) {
      out.append("<li><a href=\"#").append(s.id()).append("\">").append(html(s.title())).append("</a></li>");
    }
    out.append("</ol></nav>");
    sections.forEach(s -> out.append(s.toHtml()));
    return out.append("</body></html>\n").toString();
  }
}
