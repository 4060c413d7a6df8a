import Foundation
@testable import MittenRuntime

/// A checker of the Prometheus text exposition format (version 0.0.4), used where
/// `promtool check metrics` is not installed (Debian's `prometheus` package is large):
/// comment lines `# HELP name text` / `# TYPE name type`; samples `name{l="v",...} value`
/// with valid metric and label names, escaped label values, a float value, a TYPE seen
/// before the family's samples, no series twice, and no negative counter.
enum PrometheusTextCheck {
    /// The samples by series (`name{labels}` as written), or a thrown description of the
    /// first problem.
    static func parse(_ text: String) throws -> [String: Double] {
        var types: [String: String] = [:]
        var samples: [String: Double] = [:]
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.isEmpty {
            func fail(_ why: String) -> RuntimeError { RuntimeError(.badPayload, "line \(number + 1) '\(line)': \(why)") }
            if line.hasPrefix("#") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count >= 3, parts[0] == "#" else { continue }
                guard isMetricName(parts[2]) else { throw fail("bad metric name") }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else { throw fail("bad type") }
                    guard types[String(parts[2])] == nil else { throw fail("second TYPE") }
                    types[String(parts[2])] = String(parts[3])
                }
                continue
            }
            var rest = Substring(line)
            let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
            guard isMetricName(name) else { throw fail("bad metric name") }
            rest = rest.dropFirst(name.count)
            if rest.first == "{" {
                rest = rest.dropFirst()
                while rest.first != "}" {
                    let label = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                    guard !label.isEmpty, !(label.first!.isNumber), rest.dropFirst(label.count).hasPrefix("=\"") else { throw fail("bad label") }
                    rest = rest.dropFirst(label.count + 2)
                    var escaped = false
                    while let character = rest.first, escaped || character != "\"" {
                        escaped = !escaped && character == "\\"
                        rest = rest.dropFirst()
                    }
                    guard rest.first == "\"" else { throw fail("unterminated label value") }
                    rest = rest.dropFirst()
                    if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw fail("expected , or }") }
                }
                rest = rest.dropFirst()
            }
            let series = String(line.prefix(line.count - rest.count))
            let fields = rest.split(separator: " ")
            guard (1...2).contains(fields.count), rest.first == " " else { throw fail("expected one value") }
            guard let value = Double(fields[0]) ?? ["+Inf": Double.infinity, "-Inf": -Double.infinity, "NaN": Double.nan][String(fields[0])] else { throw fail("bad value") }
            let family = types[String(name)] ?? types[String(name.replacing(/_(bucket|sum|count)$/, with: ""))]
            guard let family else { throw fail("no TYPE before the sample") }
            if family == "counter", value < 0 { throw fail("negative counter") }
            guard samples[series] == nil else { throw fail("series twice") }
            samples[series] = value
        }
        return samples
    }

    static func isMetricName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" || first == ":" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == ":") }
    }
}
