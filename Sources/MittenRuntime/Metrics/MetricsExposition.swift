import Foundation
import Prometheus

/// Turns service descriptions and wire call counts into Prometheus text format (via
/// swift-prometheus). A fresh collector registry per scrape: the values are the
/// services' own, read at scrape time, so nothing accumulates here.
///
/// Per service (labels `name`, `kind`, `hostname`): `mitten_service_rss_kilobytes`,
/// `mitten_service_uptime_seconds`, `mitten_service_openstack_requests_total`,
/// `mitten_service_restarts_total` (where counted). Per numeric kind column (label
/// `name`): `mitten_KIND_COLUMN` as a gauge, or `..._total` for the cumulative ones in
/// ``counterColumns``; `Items/s` becomes `mitten_queue_items_per_second`; a checkbox is
/// 0 or 1. Per served method (labels `service`, `method`): `mitten_rpc_calls_total`,
/// `mitten_rpc_errors_total`. See docs/console.md.
public enum MetricsExposition {
    /// Columns that only ever grow, exported as counters.
    public static let counterColumns: Set<String> = ["Acked", "Pushed", "Registered", "Expired", "Delivered", "Appended"]

    /// The exposition text.
    public static func text(services: [ServiceDescription], calls: [(key: WireCallStatistics.Key, count: WireCallStatistics.Count)]) -> String {
        var families = Families()
        for service in services.sorted(by: { $0.name < $1.name }) {
            let labels = [("name", service.name), ("kind", service.kind), ("hostname", service.hostname)]
            families.gauge("mitten_service_rss_kilobytes", "Resident set size of the service's process in KiB.", labels, Double(service.rssKB))
            families.gauge("mitten_service_uptime_seconds", "Seconds since the service's process started.", labels, service.uptimeSeconds)
            families.counter("mitten_service_openstack_requests_total", "OpenStack API requests the service's process made.", labels, service.openStackRequests)
            if let restarts = service.restarts {
                families.counter("mitten_service_restarts_total", "Restarts of the service's workers or children.", labels, restarts)
            }
            let kind = metricWord(service.kind)
            for column in service.columns {
                let value: Double
                switch column.value {
                case .integer(let number): value = Double(number)
                case .number(let number, _): value = number
                case .check(let checked): value = checked ? 1 : 0
                case .text: continue
                }
                guard value.isFinite else { continue }
                let base = "mitten_\(kind)_\(metricWord(column.title))"
                let help = "A column of `mitten status` for \(kind) services."
                if counterColumns.contains(column.title), value >= 0 {
                    families.counter(base + "_total", help, [("name", service.name)], Int(value))
                } else {
                    families.gauge(base, help, [("name", service.name)], value)
                }
            }
        }
        for (key, count) in calls {
            let labels = [("service", key.service), ("method", key.method)]
            families.counter("mitten_rpc_calls_total", "Wire calls Control's process served.", labels, count.calls)
            families.counter("mitten_rpc_errors_total", "Wire calls Control's process answered with an error.", labels, count.errors)
        }
        return families.registry.emitToString()
    }

    /// A column title or kind as a metric name word: lower case, `/s` as
    /// `_per_second`, anything else not alphanumeric as `_`.
    public static func metricWord(_ text: String) -> String {
        var word = ""
        for character in text.replacingOccurrences(of: "/s", with: " per second").lowercased() {
            if character.isASCII, character.isLetter || character.isNumber { word.append(character) } else if word.last != "_" { word.append("_") }
        }
        while word.hasSuffix("_") { word.removeLast() }
        return word.isEmpty ? "value" : word
    }

}

/// The registry of one scrape, refusing (skipping) a name reused with another type,
/// which swift-prometheus would treat as a programming error and stop the process.
private struct Families {
    let registry = PrometheusCollectorRegistry()
    var types: [String: Bool] = [:]

    mutating func claim(_ name: String, counter: Bool) -> Bool {
        if let existing = types[name] { return existing == counter }
        types[name] = counter
        return true
    }

    mutating func gauge(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Double) {
        guard claim(name, counter: false) else { return }
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels).set(to: value)
    }

    mutating func counter(_ name: String, _ help: String, _ labels: [(String, String)], _ value: Int) {
        guard claim(name, counter: true) else { return }
        registry.makeCounter(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels).increment(by: Int64(max(value, 0)))
    }
}
