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
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The peer matrix as one PNG: throughput and p99 against callers, a row per payload, a line per peer. */
final class PeerCharts {

    private static final int WIDTH = 800;
    private static final int HEIGHT = 520;

    private PeerCharts() {
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
            paint(g, chart("Request/reply p99 latency, " + payload + " B payload", "p99 µs (log)", true, ofPayload, concurrency,
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
        for (String peer : peers) {
            double[] x = Arrays.stream(concurrency).asDoubleStream().toArray();
            double[] y = Arrays.stream(concurrency).mapToDouble(callers -> cells.stream()
                    .filter(c -> c.peer().equals(peer) && c.callers() == callers).mapToDouble(metric::of).findFirst()
                    .orElse(Double.NaN)).toArray();
            chart.addSeries(peer, x, y).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void paint(Graphics2D g, XYChart chart, int x, int y) {
        Graphics2D area = (Graphics2D) g.create(x, y, WIDTH, HEIGHT);
        chart.paint(area, WIDTH, HEIGHT);
        area.dispose();
    }
}
