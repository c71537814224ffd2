package io.natrix.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header, rows, columns as wide as their widest cell; numbers right-aligned. */
final class Table {

    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    Table row(Object... cells) {
        String[] row = new String[columns];
        for (int i = 0; i < columns; i++) {
            row[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
        }
        rows.add(row);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[columns];
        boolean[] numeric = new boolean[columns];
        for (int i = 0; i < columns; i++) {
            numeric[i] = rows.size() > 1;
            for (String[] row : rows) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
            for (String[] row : rows.subList(1, rows.size())) {
                numeric[i] &= row[i].matches("-|[0-9.,]+( ?(ms|µs|s|/s|%))?");
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                String cell = row[i];
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(numeric[i] ? pad + cell : cell + (i == columns - 1 ? "" : pad));
                if (i < columns - 1) {
                    line.append("  ");
                }
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }
}
