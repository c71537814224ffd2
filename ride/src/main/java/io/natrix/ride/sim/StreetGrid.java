package io.natrix.ride.sim;

import java.util.stream.Stream;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated streets over Tel Aviv's extent: a grid of blocks rotated about 20° from north like the city's
 * streets, 150 m apart, with intersections as nodes. No street data can be downloaded here, so the city is
 * generated, deterministically.
 */
public final class StreetGrid {

    static final double ORIGIN_LAT = 32.045;
    static final double ORIGIN_LNG = 34.760;
    static final double BLOCK_METERS = 150;
    private static final double METERS_PER_DEGREE_LAT = 111_195;
    private static final double ROTATION = Math.toRadians(20);

    record Node(int row, int col, double lat, double lng) {
    }

    private final int rows;
    private final int cols;
    private final Node[][] nodes;

    StreetGrid(int rows, int cols) {
        this(ORIGIN_LAT, ORIGIN_LNG, rows, cols);
    }

    private StreetGrid(double originLat, double originLng, int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.nodes = new Node[rows][cols];
        double metersPerDegreeLng = METERS_PER_DEGREE_LAT * Math.cos(Math.toRadians(originLat));
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double along = r * BLOCK_METERS;   // north-north-east, like the coastal avenues
                double across = c * BLOCK_METERS;  // east-south-east, like the cross streets
                double north = along * Math.cos(ROTATION) - across * Math.sin(ROTATION);
                double east = along * Math.sin(ROTATION) + across * Math.cos(ROTATION);
                nodes[r][c] = new Node(r, c, originLat + north / METERS_PER_DEGREE_LAT, originLng + east / metersPerDegreeLng);
            }
        }
    }

    /** About 7 km by 4 km: Tel Aviv from Jaffa to the Yarkon, the sea to Ayalon. */
    public static StreetGrid telAviv() {
        return new StreetGrid(48, 26);
    }

    /**
     * The same streets, {@code rows} by {@code cols} blocks from the south-west corner at {@code originLat},
     * {@code originLng}: another city, or a town on a border between regions.
     */
    public static StreetGrid at(double originLat, double originLng, int rows, int cols) {
        if (rows < 2 || cols < 2) {
            throw new IllegalArgumentException("a street grid has two rows and two columns at least");
        }
        return new StreetGrid(originLat, originLng, rows, cols);
    }

    /** The streets as the dashboard draws them: intersections row by row, each {@code [lat, lng]}. */
    public Streets streets() {
        List<double[]> points = new ArrayList<>(rows * cols);
        nodes().forEach(node -> points.add(new double[]{node.lat(), node.lng()}));
        return new Streets(rows, cols, points);
    }

    /** A grid of intersections: node {@code (r, c)} is {@code nodes.get(r * cols + c)}; streets join neighbours. */
    public record Streets(int rows, int cols, List<double[]> nodes) {
    }

    /** The intersection in the middle of the grid. */
    Node center() {
        return nodes[rows / 2][cols / 2];
    }

    Node random(SplittableRandom random) {
        return nodes[random.nextInt(rows)][random.nextInt(cols)];
    }

    List<Node> neighbours(Node node) {
        List<Node> next = new ArrayList<>(4);
        if (node.row() > 0) next.add(nodes[node.row() - 1][node.col()]);
        if (node.row() < rows - 1) next.add(nodes[node.row() + 1][node.col()]);
        if (node.col() > 0) next.add(nodes[node.row()][node.col() - 1]);
        if (node.col() < cols - 1) next.add(nodes[node.row()][node.col() + 1]);
        return next;
    }

    Stream<Node> nodes() {
        return Arrays.stream(nodes).flatMap(Arrays::stream);
    }

    /** The neighbour that brings a driver closest to {@code goal}: greedy routing along the streets. */
    Node towards(Node from, Node goal) {
        Node best = from;
        int bestSteps = steps(from, goal);
        for (Node next : neighbours(from)) {
            int s = steps(next, goal);
            if (s < bestSteps) {
                best = next;
                bestSteps = s;
            }
        }
        return best;
    }

    static int steps(Node a, Node b) {
        return Math.abs(a.row() - b.row()) + Math.abs(a.col() - b.col());
    }
}
