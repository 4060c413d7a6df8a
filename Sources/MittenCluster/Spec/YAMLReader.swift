import Yams

/// Reads one node of a YAML document and turns every mistake into a ``ClusterError``
/// that names the file, the line and the key path, and says what was expected.
struct YAMLReader {
    /// The file the node came from, as shown in errors.
    let file: String
    /// The key path of this node, e.g. `cluster[1].count`.
    let path: String
    /// The node itself.
    let node: Node
    /// The line of the key that led here (or of the node, when there is no key).
    let line: Int

    init(file: String, path: String, node: Node, line: Int? = nil) {
        self.file = file
        self.path = path
        self.node = node
        self.line = line ?? node.mark?.line ?? 1
    }

    /// An error at this node: `FILE:LINE: PATH: expected ..., found ...`.
    func error(_ expectation: String) -> ClusterError {
        ClusterError(.invalidClusterFile, "\(file):\(line): `\(path)`: \(expectation)")
    }

    /// A short, secret-free picture of what the node holds, for error messages.
    var found: String {
        switch node {
        case .scalar(let scalar):
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "..." : scalar.string
            return text.isEmpty ? "nothing" : "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// The node as a non-empty string.
    func string() throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else {
            throw error("expected a text value, found \(found)")
        }
        return scalar.string
    }

    /// The node as a whole number in `range`.
    func int(in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard case .scalar = node, let value = node.int else {
            throw error("expected a whole number, found \(found)")
        }
        guard range.contains(value) else {
            throw error("expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(value)")
        }
        return value
    }

    /// The node as a positive number (integer or decimal).
    func positiveNumber() throws -> Double {
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init), value > 0 else {
            throw error("expected a number greater than 0, found \(found)")
        }
        return value
    }

    /// The node as a list; each element gets a reader whose path ends in `[i]`.
    func list() throws -> [YAMLReader] {
        guard case .sequence(let sequence) = node else { throw error("expected a list, found \(found)") }
        return sequence.enumerated().map { index, element in
            YAMLReader(file: file, path: "\(path)[\(index)]", node: element)
        }
    }

    /// The node as a mapping whose keys must all be among `allowed` (nil: any key).
    func mapping(allowed: Set<String>?) throws -> MappingReader {
        guard case .mapping(let mapping) = node else { throw error("expected a mapping, found \(found)") }
        var entries: [(key: String, line: Int, value: Node)] = []
        for (key, value) in mapping {
            let keyLine = key.mark?.line ?? line
            guard case .scalar(let keyScalar) = key else {
                throw ClusterError(.invalidClusterFile, "\(file):\(keyLine): `\(path)`: expected text keys, found a \(key)")
            }
            let name = keyScalar.string
            if let allowed, !allowed.contains(name) {
                let child = path.isEmpty ? name : "\(path).\(name)"
                throw ClusterError(
                    .invalidClusterFile,
                    "\(file):\(keyLine): `\(child)`: unknown key; expected one of: \(allowed.sorted().joined(separator: ", "))"
                )
            }
            entries.append((name, keyLine, value))
        }
        return MappingReader(parent: self, entries: entries)
    }
}

/// The keys of one mapping node, read by name.
struct MappingReader {
    /// The reader of the mapping node itself.
    let parent: YAMLReader
    /// The entries in file order.
    let entries: [(key: String, line: Int, value: Node)]

    /// The reader of `key`, or nil when the key is absent or its value is null.
    func optional(_ key: String) -> YAMLReader? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case .scalar = entry.value, entry.value.null != nil { return nil }
        let child = parent.path.isEmpty ? key : "\(parent.path).\(key)"
        return YAMLReader(file: parent.file, path: child, node: entry.value, line: entry.line)
    }

    /// The reader of `key`; its absence is an error that says what belongs there.
    func required(_ key: String, _ expectation: String) throws -> YAMLReader {
        if let reader = optional(key) { return reader }
        let child = parent.path.isEmpty ? key : "\(parent.path).\(key)"
        throw ClusterError(.invalidClusterFile, "\(parent.file):\(parent.line): `\(child)`: missing; expected \(expectation)")
    }
}
