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
    /// Every payload of `binary` that can be made here (zstd first, then gzip), made
    /// concurrently or found in `cacheDirectory`; empty when neither compressor is
    /// installed (the binary then goes as it is).
    public static func prepare(binary: String, cacheDirectory: String) async throws -> [UploadFile.PackedCopy] {
        try await withThrowingTaskGroup(of: (Int, UploadFile.PackedCopy?).self) { group in
            for (rank, packing) in [UploadFile.Packing.zstd, .gzip].enumerated() {
                group.addTask { (rank, try await offThePool { try prepare(binary: binary, cacheDirectory: cacheDirectory, packing: packing) }) }
            }
            var made: [(Int, UploadFile.PackedCopy)] = []
            for try await (rank, copy) in group { if let copy { made.append((rank, copy)) } }
            return made.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// Makes (or finds in the cache) the `packing` payload of `binary`; nil when the
    /// compressor is not installed here. Without `strip` the payload keeps the debug info.
    public static func prepare(binary: String, cacheDirectory: String, packing: UploadFile.Packing) throws -> UploadFile.PackedCopy? {
        let manager = FileManager.default
        let attributes = try manager.attributesOfItem(atPath: binary)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let suffix = packing.suffix
        let payload = cacheDirectory + "/mitten-\(size)-\(modified)\(suffix)"
        if manager.fileExists(atPath: payload) { return UploadFile.PackedCopy(path: payload, packing: packing) }
        guard let compressor = tool(packing == .zstd ? "zstd" : "gzip") else { return nil }
        try manager.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let work = cacheDirectory + "/.payload-\(getpid())-\(packing.rawValue)"
        defer { try? manager.removeItem(atPath: work); try? manager.removeItem(atPath: work + suffix) }
        var source = binary
        if let strip = tool("strip"), (try? Program.runBlocking(strip, ["--strip-debug", "-o", work, binary]).status) == 0 {
            source = work
        }
        // Made once per build, unpacked once per VM: zstd level 9 with a 128 MiB window
        // (what `zstd -d` accepts without flags) takes ~3 s for a 122 MB binary and saves
        // 11% of every VM's transfer against level 3; gzip stays at its fastest.
        let command = packing == .zstd ? #"exec "$0" -q -9 --long=27 -T0 -c "$1" > "$2""# : #"exec "$0" -1 -c "$1" > "$2""#
        let packed = try Program.runBlocking("/bin/sh", ["-c", command, compressor, source, work + suffix])
        guard packed.status == 0 else {
            throw ClusterError(.unreadableFile, "cannot compress \(binary) for upload with \(compressor): \(packed.error)")
        }
        // Older payloads of other builds are of no further use.
        for old in (try? manager.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        where old.hasPrefix("mitten-") && old.hasSuffix(suffix) && old != (payload as NSString).lastPathComponent {
            try? manager.removeItem(atPath: cacheDirectory + "/" + old)
        }
        try manager.moveItem(atPath: work + suffix, toPath: payload)
        return UploadFile.PackedCopy(path: payload, packing: packing)
    }

    static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
