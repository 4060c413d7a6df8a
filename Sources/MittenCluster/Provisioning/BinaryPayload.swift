import Foundation
import MittenProcess

/// The mitten binary as `up` sends it to every VM: without its debug info (`strip
/// --strip-debug` keeps the symbol table, so backtraces still name functions) and
/// compressed, about a quarter of a release build's size, made once per binary and
/// packing and kept in the workspace cache (`~/.mitten/cache`). zstd is preferred: its
/// payload is smaller and a VM unpacks it in a quarter of gunzip's CPU time (0.08 s
/// against 0.32 s here for a 47 MB binary, 0.19-0.25 s against 0.92 s for 122 MB), which
/// adds up when many VMs share a host's cores; a VM without `zstd` gets the gzip payload.
public enum BinaryPayload {
    /// Every payload of `binary` that can be made here (zstd first, then gzip), found in
    /// `cacheDirectory` or made there: the binary is stripped once, then both compressors
    /// run at once. Empty when neither compressor is installed (the binary then goes as
    /// it is). Without `strip` the payloads keep the debug info.
    public static func prepare(binary: String, cacheDirectory: String) async throws -> [UploadFile.PackedCopy] {
        let manager = FileManager.default
        let attributes = try manager.attributesOfItem(atPath: binary)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let packings = [UploadFile.Packing.zstd, .gzip].filter { tool($0 == .zstd ? "zstd" : "gzip") != nil }
        let copies = packings.map { UploadFile.PackedCopy(path: cacheDirectory + "/mitten-\(size)-\(modified)\($0.suffix)", packing: $0) }
        let missing = copies.filter { !manager.fileExists(atPath: $0.path) }
        if missing.isEmpty { return copies }
        try manager.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let stripped = cacheDirectory + "/.payload-\(getpid())"
        defer { try? manager.removeItem(atPath: stripped) }
        let source = try await offThePool { () throws -> String in
            guard let strip = tool("strip"), (try? Program.runBlocking(strip, ["--strip-debug", "-o", stripped, binary]).status) == 0 else { return binary }
            return stripped
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for copy in missing {
                group.addTask { try await offThePool { try compress(source, into: copy, binary: binary, cacheDirectory: cacheDirectory) } }
            }
            try await group.waitForAll()
        }
        return copies
    }

    /// Compresses `source` into `copy.path` (through a temporary name), then drops the
    /// payloads of other builds.
    private static func compress(_ source: String, into copy: UploadFile.PackedCopy, binary: String, cacheDirectory: String) throws {
        let manager = FileManager.default
        let suffix = copy.packing.suffix
        let work = cacheDirectory + "/.payload-\(getpid())\(suffix)"
        defer { try? manager.removeItem(atPath: work) }
        let compressor = tool(copy.packing == .zstd ? "zstd" : "gzip") ?? copy.packing.rawValue
        // Made once per build, unpacked once per VM: zstd level 9 with a 128 MiB window
        // (what `zstd -d` accepts without flags) takes ~3 s for a 122 MB binary and saves
        // 11% of every VM's transfer against level 3; gzip stays at its fastest.
        let command = copy.packing == .zstd ? #"exec "$0" -q -9 --long=27 -T0 -c "$1" > "$2""# : #"exec "$0" -1 -c "$1" > "$2""#
        let packed = try Program.runBlocking("/bin/sh", ["-c", command, compressor, source, work])
        guard packed.status == 0 else {
            throw ClusterError(.unreadableFile, "cannot compress \(binary) for upload with \(compressor): \(packed.error)")
        }
        // Older payloads of other builds are of no further use.
        let name = (copy.path as NSString).lastPathComponent
        for old in (try? manager.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        where old.hasPrefix("mitten-") && old.hasSuffix(suffix) && old != name {
            try? manager.removeItem(atPath: cacheDirectory + "/" + old)
        }
        try manager.moveItem(atPath: work, toPath: copy.path)
    }

    private static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
