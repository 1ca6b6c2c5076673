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
