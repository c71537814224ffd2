package io.natrix.ride.dashboard;

import io.natrix.Contract;
import io.natrix.ride.sim.StreetGrid;

import java.util.Map;

/**
 * The dashboard service's contract: the street graph for the page to draw, and the snapshot it broadcasts once
 * a second ({@link DashboardService.Snapshot}), which the gateway streams to the page.
 */
@Contract(service = "dashboard")
public interface DashboardApi {

    /** Every endpoint's subject: {@code ms.dashboard.<Endpoint>}. */
    Contract.Subjects SUBJECTS = Contract.Subjects.of(DashboardApi.class);
    /** The street graph. */
    String STREETS = SUBJECTS.of("Streets");
    /** Where the snapshots go, once a second. */
    String SNAPSHOTS = "ms.dashboard.Snapshot";

    /** The street graph the simulator drives on; the request's fields are ignored. */
    StreetGrid.Streets streets(Map<String, Object> request);
}
