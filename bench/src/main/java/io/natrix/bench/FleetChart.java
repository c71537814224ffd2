package io.natrix.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU against fleet size, one line per run, from the tables {@code bench ride fleet} printed:
 * {@code fleet-chart OUT.png LABEL=OUTPUT.txt ...}. The whole system's CPU (every process, the simulator
 * included) in solid lines, the simulator's own dashed, over the steps with a rider for every four drivers.
 */
final class FleetChart {

    private static final Pattern SHARE = Pattern.compile("([a-z-]+) (\\d+)");
    private static final Color[] PALETTE = {new Color(0x7f7f7f), new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)};

    /** One measured step of one run: drivers, riders, CPU % of a core by process, whether it held. */
    record Row(int drivers, int riders, Map<String, Integer> cpu, boolean held) {
        int total() {
            return cpu.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** The same step as the bench's fit takes it: µs of CPU per second by process. */
        UnitCosts.Sample sample() {
            Map<String, Double> micros = new LinkedHashMap<>();
            cpu.forEach((process, percent) -> micros.put(process, percent * 10_000.0));
            return new UnitCosts.Sample(drivers, riders, micros);
        }
    }

    private FleetChart() {
    }

    /** The measured rows of one run's output; a step not run, or whose CPU was not read, is left out. */
    static List<Row> rows(List<String> output) {
        List<Row> rows = new ArrayList<>();
        for (String line : output) {
            String[] cells = line.split("\\|");
            if (!line.startsWith("| ") || cells.length < 13 || !cells[1].trim().matches("[\\d,]+")) {
                continue;
            }
            Map<String, Integer> cpu = new LinkedHashMap<>();
            Matcher share = SHARE.matcher(cells[11]);
            while (share.find()) {
                cpu.put(share.group(1), Integer.parseInt(share.group(2)));
            }
            Row row = new Row(number(cells[1]), number(cells[2]), cpu, cells[12].trim().startsWith("yes"));
            if (!cpu.isEmpty() && row.total() > 0) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static int number(String cell) {
        return Integer.parseInt(cell.trim().replace(",", ""));
    }

    static void draw(Path png, Map<String, List<Row>> runs) throws IOException {
        XYChart chart = new XYChartBuilder().width(1250).height(560)
                .title("bench ride fleet: CPU against fleet size (a rider per four drivers)")
                .xAxisTitle("drivers").yAxisTitle("% of one core (2 cores = 200)").build();
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE).setChartBackgroundColor(Color.WHITE)
                .setPlotBackgroundColor(Color.WHITE).setMarkerSize(7);
        int index = 0;
        for (Map.Entry<String, List<Row>> run : runs.entrySet()) {
            List<Row> line = run.getValue().stream().filter(r -> r.drivers() == 4 * r.riders()).toList();
            double[] x = line.stream().mapToDouble(Row::drivers).toArray();
            Color colour = PALETTE[index++ % PALETTE.length];
            var total = chart.addSeries(run.getKey() + ": every process", x, line.stream().mapToDouble(Row::total).toArray());
            total.setMarker(SeriesMarkers.CIRCLE);
            total.setLineColor(colour);
            total.setMarkerColor(colour);
            var sim = chart.addSeries(run.getKey() + ": the simulator", x,
                    line.stream().mapToDouble(r -> r.cpu().getOrDefault("sim", 0)).toArray());
            sim.setMarker(SeriesMarkers.DIAMOND);
            sim.setLineColor(colour);
            sim.setMarkerColor(colour);
            sim.setLineStyle(SeriesLines.DASH_DASH);
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * The per-unit line the bench prints, fitted again from a run's table (over the steps that held, as the
     * bench does): for a run that ended before printing it. The table gives whole percents of a core, so the
     * figures are coarser than the bench's own.
     */
    static String unitCosts(List<Row> rows) {
        List<Row> held = rows.stream().filter(Row::held).toList();
        return FleetBench.unitCostLine(UnitCosts.fit(held.stream().map(Row::sample).toList()),
                held.size() + " steps that held, from the table's whole percents");
    }

    /** {@code fleet-chart OUT.png LABEL=OUTPUT.txt ...}. */
    static void run(List<String> args) throws IOException {
        if (args.size() < 2) {
            throw new IllegalArgumentException("usage: natrix bench fleet-chart OUT.png LABEL=OUTPUT.txt [LABEL=OUTPUT.txt ...]");
        }
        Map<String, List<Row>> runs = new LinkedHashMap<>();
        for (String run : args.subList(1, args.size())) {
            String[] parts = run.split("=", 2);
            if (parts.length != 2) {
                throw new IllegalArgumentException("each run is LABEL=OUTPUT.txt, got " + run);
            }
            runs.put(parts[0], rows(Files.readAllLines(Path.of(parts[1]))));
        }
        runs.forEach((label, rows) -> System.out.println(label + ": " + unitCosts(rows)));
        draw(Path.of(args.getFirst()), runs);
    }
}
