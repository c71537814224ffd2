package io.natrix.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a driver-second and a rider-second cost in CPU, read from the slope across fleet steps rather than from
 * one step (whose share includes every process's fixed cost): per process, a least-squares plane
 * {@code cpu = fixed + perDriver × drivers + perRider × riders} through the steps' measured CPU. When every step
 * has the same riders-to-drivers ratio the two slopes cannot be told apart, and only the cost of a driver with
 * its share of riders ({@link #RIDERS_PER_DRIVER}) is given.
 */
final class UnitCosts {

    /** The goal's unit: one driver-second with a quarter of a rider-second. */
    static final double RIDERS_PER_DRIVER = 0.25;

    /** One measured step: its fleet, and CPU µs per wall second by process. */
    record Sample(int drivers, int riders, Map<String, Double> cpuMicrosPerSecond) {
    }

    /**
     * One process's (or the total's) fit, in CPU µs per second. {@code perDriver} and {@code perRider} are empty
     * when the steps did not vary the ratio of riders to drivers; {@code perUnit} is always there: the cost of a
     * driver-second with {@code ridersPerUnit} rider-seconds ({@value #RIDERS_PER_DRIVER} when the two slopes are
     * known, else the steps' own ratio).
     */
    record Fit(double fixedMicrosPerSecond, Optional<Double> perDriver, Optional<Double> perRider, double perUnit,
               double ridersPerUnit) {
    }

    private UnitCosts() {
    }

    /** Fits each process and the total ({@code "total"}, first); empty when fewer than two fleet sizes. */
    static Map<String, Fit> fit(List<Sample> samples) {
        Map<String, Fit> fits = new LinkedHashMap<>();
        if (samples.stream().mapToInt(Sample::drivers).distinct().count() < 2) {
            return fits;
        }
        List<String> processes = new ArrayList<>(samples.getFirst().cpuMicrosPerSecond().keySet());
        fits.put("total", fitOne(samples, sample -> sample.cpuMicrosPerSecond().values().stream().mapToDouble(Double::doubleValue).sum()));
        for (String process : processes) {
            fits.put(process, fitOne(samples, sample -> sample.cpuMicrosPerSecond().getOrDefault(process, 0.0)));
        }
        return fits;
    }

    private static Fit fitOne(List<Sample> samples, java.util.function.ToDoubleFunction<Sample> cpu) {
        int n = samples.size();
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            x[i] = new double[]{1, s.drivers(), s.riders()};
            y[i] = cpu.applyAsDouble(s);
        }
        Optional<double[]> plane = leastSquares(x, y);
        if (plane.isPresent()) {
            double[] b = plane.get();
            return new Fit(b[0], Optional.of(b[1]), Optional.of(b[2]), b[1] + RIDERS_PER_DRIVER * b[2], RIDERS_PER_DRIVER);
        }
        // one ratio throughout (riders = ratio × drivers): the slope along it is a driver with that many riders
        double[][] line = new double[n][];
        for (int i = 0; i < n; i++) {
            line[i] = new double[]{1, samples.get(i).drivers()};
        }
        double[] b = leastSquares(line, y).orElseThrow();
        Sample largest = samples.stream().max(java.util.Comparator.comparingInt(Sample::drivers)).orElseThrow();
        return new Fit(b[0], Optional.empty(), Optional.empty(), b[1], (double) largest.riders() / largest.drivers());
    }

    /** Ordinary least squares by the normal equations; empty when they are singular (the columns are dependent). */
    static Optional<double[]> leastSquares(double[][] x, double[] y) {
        int k = x[0].length;
        double[][] a = new double[k][k + 1];
        for (int row = 0; row < x.length; row++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    a[i][j] += x[row][i] * x[row][j];
                }
                a[i][k] += x[row][i] * y[row];
            }
        }
        double scale = 0;
        for (double[] r : a) {
            for (int j = 0; j < k; j++) {
                scale = Math.max(scale, Math.abs(r[j]));
            }
        }
        for (int col = 0; col < k; col++) { // Gauss-Jordan with partial pivoting
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) <= 1e-9 * scale) {
                return Optional.empty();
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            for (int r = 0; r < k; r++) {
                if (r != col) {
                    double f = a[r][col] / a[col][col];
                    for (int j = col; j <= k; j++) {
                        a[r][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[] b = new double[k];
        for (int i = 0; i < k; i++) {
            b[i] = a[i][k] / a[i][i];
        }
        return Optional.of(b);
    }
}
