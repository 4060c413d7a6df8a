import Foundation
import SwiftStorageKit

/// The S1 workloads: the data, the child processes, the figures.
struct StorageBenchRun {
    /// The clients compared.
    enum Tool: String, CaseIterable {
        case mitten
        case pythonSwiftclient = "python-swiftclient"
    }

    let work: URL
    let credentials: SwiftV1Credentials
    let client: SwiftStorageClient
    let concurrency: Int

    var bigFile: URL { work.appendingPathComponent("big.bin") }
    var smallDirectory: URL { work.appendingPathComponent("small") }
    func container(_ tool: Tool) -> String { "mitten-bench-s1-\(tool.rawValue)" }

    /// Writes the big file and the small files.
    func prepare(bigSize: Int64, count: Int, smallSize: Int64) async throws {
        try writeRandomFile(bigFile, size: bigSize)
        try FileManager.default.createDirectory(at: smallDirectory, withIntermediateDirectories: true)
        for index in 0..<count {
            try writeRandomFile(smallDirectory.appendingPathComponent(String(format: "%05d", index)), size: smallSize + Int64(index))
        }
    }

    /// Runs the four transfers with one client, checks the downloads, deletes the data; returns table rows.
    func measure(_ tool: Tool, bigSize: Int64, count: Int, smallSize: Int64) async throws -> [String] {
        let container = container(tool)
        await deleteContainer(container)
        try await client.createContainer(container)
        let bigOut = work.appendingPathComponent("big-\(tool.rawValue).out")
        let smallOut = work.appendingPathComponent("small-\(tool.rawValue).out")
        defer {
            try? FileManager.default.removeItem(at: bigOut)
            try? FileManager.default.removeItem(at: smallOut)
        }
        let smallBytes = Int64(count) * smallSize + Int64(count * (count - 1) / 2)
        var rows: [String] = []
        func row(_ transfer: String, _ run: MeasuredRun, bytes: Int64, objects: Int?) throws {
            guard run.status == 0 else { throw BenchFailure("\(tool.rawValue) \(transfer) exited with status \(run.status)") }
            let mbps = Double(bytes) / run.seconds / 1_000_000
            let perSecond = objects.map { String(format: "%9.0f", Double($0) / run.seconds) } ?? "        -"
            rows.append("\(tool.rawValue.padding(toLength: 19, withPad: " ", startingAt: 0)) \(transfer.padding(toLength: 16, withPad: " ", startingAt: 0)) \(String(format: "%8.2f  %8.1f", run.seconds, mbps))   \(perSecond)   \(String(format: "%6.1f MB", Double(run.peakRSSBytes) / 1_000_000))")
        }

        try row("upload \(humanSize(bigSize))", try run(tool, "upload", container, bigFile.path), bytes: bigSize, objects: nil)
        try row("download \(humanSize(bigSize))", try run(tool, "download", container, bigOut.path), bytes: bigSize, objects: nil)
        guard FileManager.default.contentsEqual(atPath: bigFile.path, andPath: bigOut.path) else {
            throw BenchFailure("\(tool.rawValue): the downloaded big file differs from the original")
        }
        try? FileManager.default.removeItem(at: bigOut)
        try row("upload \(count) objs", try run(tool, "upload-many", container, smallDirectory.path), bytes: smallBytes, objects: count)
        try FileManager.default.createDirectory(at: smallOut, withIntermediateDirectories: true)
        try row("download \(count)", try run(tool, "download-many", container, smallOut.path), bytes: smallBytes, objects: count)
        let fetched = (try? FileManager.default.contentsOfDirectory(atPath: smallOut.appendingPathComponent("small").path)) ?? []
        guard fetched.count == count else {
            throw BenchFailure("\(tool.rawValue): downloaded \(fetched.count) small objects, expected \(count)")
        }
        await deleteContainer(container)
        return rows
    }

    /// One transfer in a child process: mitten-bench itself, or python-swiftclient's CLI.
    private func run(_ tool: Tool, _ mode: String, _ container: String, _ path: String) throws -> MeasuredRun {
        switch tool {
        case .mitten:
            let me = Bundle.main.executablePath ?? CommandLine.arguments[0]
            return try runMeasured([me, "storage-transfer", mode, container, path, "--concurrency", String(concurrency)])
        case .pythonSwiftclient:
            let base = ["python3", "-m", "swiftclient.shell", "-A", credentials.authURL, "-U", credentials.user, "-K", credentials.key]
            let threads = ["--object-threads", String(concurrency)]
            switch mode {
            case "upload": return try runMeasured(base + ["upload", "--object-name", "big", container, path])
            case "download": return try runMeasured(base + ["download", container, "big", "-o", path])
            case "upload-many": return try runMeasured(base + ["upload"] + threads + ["--object-name", "small", container, path])
            default: return try runMeasured(base + ["download"] + threads + ["-p", "small/", "-D", path, container])
            }
        }
    }

    /// The child side of a mitten transfer.
    static func transfer(client: SwiftStorageClient, mode: String, container: String, path: String, concurrency: Int) async throws {
        let url = URL(fileURLWithPath: path)
        switch mode {
        case "upload":
            try await client.upload(try .file(url), container: container, object: "big")
        case "download":
            try await client.download(container: container, object: "big", to: url)
        case "upload-many":
            let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
            try await forEachConcurrently(names, limit: concurrency) { name in
                try await client.upload(try .file(url.appendingPathComponent(name)), container: container, object: "small/\(name)")
            }
        default:
            let names = try await client.objects(in: container, prefix: "small/").collect().map(\.name)
            try FileManager.default.createDirectory(at: url.appendingPathComponent("small"), withIntermediateDirectories: true)
            try await forEachConcurrently(names, limit: concurrency) { name in
                try await client.download(container: container, object: name, to: url.appendingPathComponent(name))
            }
        }
    }

    /// Deletes the data of the run (also after a failure).
    func cleanUp() async {
        for tool in Tool.allCases { await deleteContainer(container(tool)) }
    }

    private func deleteContainer(_ container: String) async {
        guard (try? await client.containerExists(container)) == true else { return }
        let names = (try? await client.objects(in: container).collect().map(\.name)) ?? []
        try? await forEachConcurrently(names, limit: concurrency) { try await client.deleteObject(container: container, object: $0) }
        try? await client.deleteContainer(container)
    }
}

/// Runs `body` for each element, at most `limit` at a time.
func forEachConcurrently<Element: Sendable>(_ elements: [Element], limit: Int, _ body: @escaping @Sendable (Element) async throws -> Void) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
        var iterator = elements.makeIterator()
        for _ in 0..<max(1, limit) {
            guard let element = iterator.next() else { break }
            group.addTask { try await body(element) }
        }
        while try await group.next() != nil {
            if let element = iterator.next() { group.addTask { try await body(element) } }
        }
    }
}
