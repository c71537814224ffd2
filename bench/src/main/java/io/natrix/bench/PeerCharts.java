package io.natrix.bench;

import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The peer matrix as one PNG: throughput and p99 against callers, a row per payload, a line per peer. */
final class PeerCharts {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 520;

    private PeerCharts() {
    }

    /** A line's colour per peer, in the order the peers are listed, the same in every panel. */
    private static final Color[] PALETTE = {
            new Color(0x1f77b4), new Color(0xaec7e8), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2),
            new Color(0x2ca02c), new Color(0x98df8a), new Color(0xff7f0e), new Color(0xd62728), new Color(0x7f7f7f)};

    /** Draws the chart again from the CSV a run wrote: {@code peers-chart CSV PNG}. */
    static void redraw(Path csv, Path png) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int columns = lines.getFirst().split(",").length;
        List<PeersBench.Cell> cells = lines.stream().skip(1).map(line -> cell(line, columns)).toList();
        int[] concurrency = cells.stream().mapToInt(PeersBench.Cell::callers).distinct().sorted().toArray();
        int[] payloads = cells.stream().mapToInt(PeersBench.Cell::payload).distinct().sorted().toArray();
        write(cells, concurrency, payloads, png);
    }

    /** The cells as CSV, one row per peer and cell, in the peers' order. */
    static void writeCsv(List<PeersBench.Cell> cells, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        // latencies corrected for coordinated omission; recorded_p99_us as measured; CPU split by process
        lines.add("peer,callers,payload_bytes,req_per_s,p50_us,p99_us,p999_us,recorded_p99_us,errors,cpu_s_per_10k,"
                + "requester_cpu_s_per_10k,responder_cpu_s_per_10k,nats_cpu_s_per_10k,req_per_s_over_rounds,rounds_median_p99_us,"
                + "rounds_median_calls_over_1ms");
        for (PeersBench.Cell c : cells) {
            lines.add(String.format(Locale.ROOT, "%s,%d,%d,%.0f,%.0f,%.0f,%.0f,%.0f,%d,%.3f,%.3f,%.3f,%.3f,%s,%.0f,%.0f", c.peer(),
                    c.callers(), c.payload(), c.perSecond(), c.p50Micros(), c.p99Micros(), c.p999Micros(),
                    c.recordedP99Micros(), c.errors(), c.cpuPer10k(), c.requesterCpuPer10k(), c.responderCpuPer10k(),
                    c.natsCpuPer10k(), c.perSecondRange().replace(",", ""), c.roundsP99Micros(), c.slowCalls()));
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, lines);
    }

    /** One row; a peer's name may hold commas (the file does not quote it), so the fields are counted from the right. */
    static PeersBench.Cell cell(String line, int columns) {
        String[] all = line.split(",");
        int nameParts = all.length - columns + 1;
        String[] f = new String[columns];
        f[0] = String.join(",", Arrays.copyOfRange(all, 0, nameParts));
        System.arraycopy(all, nameParts, f, 1, columns - 1);
        return new PeersBench.Cell(f[0], Integer.parseInt(f[1]), Integer.parseInt(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                Long.parseLong(f[8]), Double.parseDouble(f[9]), Double.parseDouble(f[10]), Double.parseDouble(f[11]),
                Double.parseDouble(f[12]), f[13], f.length > 14 ? Double.parseDouble(f[14]) : Double.parseDouble(f[5]),
                f.length > 15 ? Double.parseDouble(f[15]) : Double.NaN); // older files: not counted
    }

    static void write(List<PeersBench.Cell> cells, int[] concurrency, int[] payloads, Path file) throws IOException {
        BufferedImage image = new BufferedImage(2 * WIDTH, payloads.length * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (int row = 0; row < payloads.length; row++) {
            int payload = payloads[row];
            List<PeersBench.Cell> ofPayload = cells.stream().filter(c -> c.payload() == payload).toList();
            paint(g, chart("Request/reply throughput, " + payload + " B payload", "req/s", false, ofPayload, concurrency,
                    PeersBench.Cell::perSecond), 0, row * HEIGHT);
            paint(g, chart("Request/reply p99 latency (corrected for coordinated omission), " + payload + " B payload", "p99 µs (log)", true, ofPayload, concurrency,
                    PeersBench.Cell::p99Micros), WIDTH, row * HEIGHT);
        }
        g.dispose();
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private interface Metric {
        double of(PeersBench.Cell cell);
    }

    private static XYChart chart(String title, String yTitle, boolean logY, List<PeersBench.Cell> cells, int[] concurrency,
                                 Metric metric) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("concurrent callers (log)").yAxisTitle(yTitle).build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(logY)
                .setLegendPosition(Styler.LegendPosition.InsideNW).setLegendFont(chart.getStyler().getLegendFont().deriveFont(11f))
                .setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setMarkerSize(7);
        Set<String> peers = new LinkedHashSet<>();
        cells.forEach(c -> peers.add(c.peer()));
        int index = 0;
        for (String peer : peers) {
            double[] x = Arrays.stream(concurrency).asDoubleStream().toArray();
            double[] y = Arrays.stream(concurrency).mapToDouble(callers -> cells.stream()
                    .filter(c -> c.peer().equals(peer) && c.callers() == callers).mapToDouble(metric::of).findFirst()
                    .orElse(Double.NaN)).toArray();
            var series = chart.addSeries(peer, x, y).setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(PALETTE[index % PALETTE.length]);
            series.setMarkerColor(PALETTE[index % PALETTE.length]);
            if (peer.startsWith("natrix call (byte")) {
                series.setLineWidth(3.5f);
            }
            index++;
        }
        return chart;
    }

    private static void paint(Graphics2D g, XYChart chart, int x, int y) {
        Graphics2D area = (Graphics2D) g.create(x, y, WIDTH, HEIGHT);
        chart.paint(area, WIDTH, HEIGHT);
        area.dispose();
    }
}
