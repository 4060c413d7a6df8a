import Foundation
import MittenProcess

/// The mitten binary as `up` sends it to every VM: without its debug info (`strip
/// --strip-debug` keeps the symbol table, so backtraces still name functions) and
/// gzip-compressed, about an eighth of a release build's size, made once per binary and
/// kept in the workspace cache (`~/.mitten/cache`). The VM unpacks it with `gunzip`.
public enum BinaryPayload {
    /// The payload of `binary`, made if missing; nil when `gzip` is not available (then
    /// the binary goes as it is). Without `strip` the payload keeps the debug info.
    public static func prepare(binary: String, cacheDirectory: String) throws -> String? {
        let manager = FileManager.default
        let attributes = try manager.attributesOfItem(atPath: binary)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let payload = cacheDirectory + "/mitten-\(size)-\(modified).gz"
        if manager.fileExists(atPath: payload) { return payload }
        guard let gzip = which("gzip") else { return nil }
        try manager.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let work = cacheDirectory + "/.payload-\(getpid())"
        defer { try? manager.removeItem(atPath: work); try? manager.removeItem(atPath: work + ".gz") }
        var source = binary
        if let strip = which("strip"), (try? Program.runBlocking(strip, ["--strip-debug", "-o", work, binary]).status) == 0 {
            source = work
        }
        let packed = try Program.runBlocking("/bin/sh", ["-c", "exec \"$0\" -1 -c \"$1\" > \"$2\"", gzip, source, work + ".gz"])
        guard packed.status == 0 else {
            throw ClusterError(.unreadableFile, "cannot compress \(binary) for upload: \(packed.error)")
        }
        // Older payloads of other builds are of no further use.
        for old in (try? manager.contentsOfDirectory(atPath: cacheDirectory)) ?? [] where old.hasPrefix("mitten-") && old.hasSuffix(".gz") {
            try? manager.removeItem(atPath: cacheDirectory + "/" + old)
        }
        try manager.moveItem(atPath: work + ".gz", toPath: payload)
        return payload
    }

    private static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
