package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.PathPattern;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A gRPC method is the path {@code /package.Service/Method}, so routes (and the rules on them) name
 * gRPC services and methods with the path patterns they already have: a whole service with
 * {@code /pkg.Service/*}, one method exactly, a package's services with no wildcard inside a segment.
 */
class GrpcMethodRoutesTest {
    record R(String id, String pattern) {
        PathPattern compiled() {
            return PathPattern.parse(pattern).with(false, false);
        }
    }

    private static final RouteTable<R> TABLE = RouteTable.build(List.of(
            new R("orders-service", "/shop.v1.Orders/*"),
            new R("orders-delete", "/shop.v1.Orders/Delete"),
            new R("health", "/grpc.health.v1.Health/Check"),
            new R("rest", "/api/**")), r -> null, R::compiled);

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "/shop.v1.Orders/Get, orders-service",
        "/shop.v1.Orders/List, orders-service",
        "/shop.v1.Orders/Delete, orders-delete",
        "/shop.v1.Orders/DeleteAll, orders-service",
        "/shop.v1.Orders/delete, orders-service", // gRPC names are case-sensitive, and so are paths
        "/grpc.health.v1.Health/Check, health",
        "/grpc.health.v1.Health/Watch, NULL",
        "/shop.v1.OrdersAdmin/Get, NULL",
        "/shop.v1.Orders, NULL",
        "/shop.v1.Orders/Get/extra, NULL",
        "/shop.v2.Orders/Get, NULL",
    })
    void aGrpcMethodPathMatchesItsServiceOrMethodRoute(String path, String expected) {
        R r = TABLE.match(null, path);
        assertThat(r == null ? null : r.id()).isEqualTo(expected);
    }
}
