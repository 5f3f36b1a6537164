package dev.libraryevents.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** A horizontal stacked bar chart as a standalone SVG: one row per label, one coloured segment per series. */
final class SvgBars {

    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#76b7b2", "#e15759"};
    private static final int LABEL_WIDTH = 260;
    private static final int PLOT_WIDTH = 520;
    private static final int ROW = 22;

    private record Row(String label, double[] values) {}

    private final String title;
    private final String unit;
    private final List<String> series;
    private final List<Row> rows = new ArrayList<>();

    SvgBars(String title, String unit, List<String> series) {
        this.title = title;
        this.unit = unit;
        this.series = series;
    }

    SvgBars row(String label, double... values) {
        rows.add(new Row(label, values));
        return this;
    }

    String render() {
        double max = rows.stream().mapToDouble(r -> Arrays.stream(r.values).sum()).max().orElse(1);
        int height = 60 + rows.size() * ROW + 30;
        StringBuilder svg = new StringBuilder();
        svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", LABEL_WIDTH + PLOT_WIDTH + 80, height));
        svg.append(format("<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"));
        svg.append(format("<text x=\"10\" y=\"20\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", escape(title)));
        int legendX = LABEL_WIDTH;
        for (int i = 0; i < series.size(); i++) {
            svg.append(format("<rect x=\"%d\" y=\"30\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"40\">%s</text>%n", legendX, COLOURS[i], legendX + 16, escape(series.get(i))));
            legendX += 24 + 7 * series.get(i).length();
        }
        int y = 55;
        for (Row row : rows) {
            svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", LABEL_WIDTH - 8, y + 14,
                    escape(row.label)));
            double x = LABEL_WIDTH;
            double total = 0;
            for (int i = 0; i < row.values.length; i++) {
                double width = row.values[i] / max * PLOT_WIDTH;
                svg.append(format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n", x, y,
                        width, ROW - 6, COLOURS[i]));
                x += width;
                total += row.values[i];
            }
            svg.append(format("<text x=\"%.1f\" y=\"%d\">%s</text>%n", x + 4, y + 14, number(total)));
            y += ROW;
        }
        svg.append(format("<text x=\"%d\" y=\"%d\" fill=\"#555\">%s</text>%n", LABEL_WIDTH, y + 16, escape(unit)));
        return svg.append("</svg>\n").toString();
    }

    private static String number(double value) {
        return value >= 100 ? format("%.0f", value) : format("%.1f", value);
    }

    private static String format(String pattern, Object... arguments) {
        return String.format(Locale.ROOT, pattern, arguments);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
