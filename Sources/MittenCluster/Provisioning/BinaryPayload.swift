import Crypto
import Foundation
import MittenProcess
import MittenRuntime

/// The mitten binary as `up` sends it to every VM: without debug info and symbol table
/// (`strip --strip-all`: a VM has no `swift-backtrace` to symbolicate with, and the
/// dynamic symbol table, which stays, still names the exported functions for gdb; the
/// symbol table alone is a quarter of a static build, bytes every worker would fetch,
/// write and hash) and compressed, made once per binary and
/// packing and kept in the workspace cache (`~/.mitten/cache`). zstd is preferred: its
/// payload is smaller and a VM unpacks it in a quarter of gunzip's CPU time (0.08 s
/// against 0.32 s here for a 47 MB binary, 0.19-0.25 s against 0.92 s for 122 MB), which
/// adds up when many VMs share a host's cores; a VM without `zstd` gets the gzip payload.
public enum BinaryPayload {
    /// What `up` sends: the compressed copies, and the SHA-256 of the binary a VM ends
    /// up with (unpacked), which a worker checks when it fetches the binary from
    /// Control's relay instead.
    public struct Prepared: Sendable {
        /// Compressed copies, best first; empty when neither compressor is installed.
        public var copies: [UploadFile.PackedCopy]
        /// Hex SHA-256 of the binary as a VM runs it.
        public var sha256: String
    }

    /// Every payload of `binary` that can be made here (zstd first, then gzip), found in
    /// `cacheDirectory` or made there: the binary is stripped once, then both compressors
    /// run at once while its SHA-256 is taken. Without a compressor the binary goes as it
    /// is; without `strip` the payloads keep the debug info and symbols.
    public static func prepare(binary: String, cacheDirectory: String) async throws -> Prepared {
        let manager = FileManager.default
        let attributes = try manager.attributesOfItem(atPath: binary)
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = Int64((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
        let packings = [UploadFile.Packing.zstd, .gzip].filter { tool($0 == .zstd ? "zstd" : "gzip") != nil }
        let base = cacheDirectory + "/mitten-\(size)-\(modified)"
        let copies = packings.map { UploadFile.PackedCopy(path: base + $0.suffix, packing: $0) }
        let hashFile = base + (copies.isEmpty ? ".plain.sha256" : ".sha256")
        let missing = copies.filter { !manager.fileExists(atPath: $0.path) }
        if missing.isEmpty, let hash = try? String(contentsOfFile: hashFile, encoding: .utf8), hash.count == 64 {
            return Prepared(copies: copies, sha256: hash)
        }
        try manager.createDirectory(atPath: cacheDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let stripped = cacheDirectory + "/.payload-\(getpid())"
        defer { try? manager.removeItem(atPath: stripped) }
        let source = copies.isEmpty ? binary : try await offThePool { () throws -> String in
            guard let strip = tool("strip"), (try? Program.runBlocking(strip, ["--strip-all", "-o", stripped, binary]).status) == 0 else { return binary }
            return stripped
        }
        let hash = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask { try await offThePool { try sha256(of: source) } }
            for copy in copies {
                group.addTask { try await compress(source, into: copy, binary: binary, cacheDirectory: cacheDirectory); return nil }
            }
            var hash = ""
            for try await result in group { if let result { hash = result } }
            return hash
        }
        try Data(hash.utf8).write(to: URL(fileURLWithPath: hashFile), options: .atomic)
        return Prepared(copies: copies, sha256: hash)
    }

    /// Hex SHA-256 of a file, read in 1 MiB pieces.
    static func sha256(of path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ClusterError(.unreadableFile, "cannot read \(path) to take its SHA-256")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty { hasher.update(data: piece) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Compresses `source` into `copy.path` (through a temporary name), then drops the
    /// payloads of other builds. Cancelling the task kills the compressor: an `up` that
    /// ends (fails, or is interrupted) before its payload is made leaves none running.
    private static func compress(_ source: String, into copy: UploadFile.PackedCopy, binary: String, cacheDirectory: String) async throws {
        let manager = FileManager.default
        let suffix = copy.packing.suffix
        let work = cacheDirectory + "/.payload-\(getpid())\(suffix)"
        let errors = work + ".stderr"
        defer { try? manager.removeItem(atPath: work); try? manager.removeItem(atPath: errors) }
        let compressor = tool(copy.packing == .zstd ? "zstd" : "gzip") ?? copy.packing.rawValue
        // Made once per build, unpacked once per VM: zstd level 9 with a 128 MiB window
        // (what `zstd -d` accepts without flags) takes ~3 s for a 122 MB binary and saves
        // 11% of every VM's transfer against level 3; gzip stays at its fastest.
        // At low priority: it runs while `up` talks to the cloud, which must not wait for it.
        let command = copy.packing == .zstd ? #"exec nice -n 10 "$0" -q -9 --long=27 -T0 -c "$1" > "$2" 2> "$3""# : #"exec nice -n 10 "$0" -1 -c "$1" > "$2" 2> "$3""#
        let child = try ChildProcess.spawn(executable: "/bin/sh", arguments: ["-c", command, compressor, source, work, errors],
                                           environment: ProcessInfo.processInfo.environment)
        // `sh` and `nice` exec the compressor: the pid is the compressor's.
        let exit = await withTaskCancellationHandler { await child.exitStatus } onCancel: { child.send(SIGKILL) }
        try Task.checkCancellation()
        guard exit == .exited(0) else {
            let message = (try? String(contentsOfFile: errors, encoding: .utf8)) ?? ""
            throw ClusterError(.unreadableFile, "cannot compress \(binary) for upload with \(compressor) (\(exit)): \(message)")
        }
        // Payloads and hashes of other builds are of no further use.
        let build = (copy.path as NSString).lastPathComponent.prefix { $0 != "." }
        for old in (try? manager.contentsOfDirectory(atPath: cacheDirectory)) ?? []
        where old.hasPrefix("mitten-") && old.prefix(while: { $0 != "." }) != build {
            try? manager.removeItem(atPath: cacheDirectory + "/" + old)
        }
        try manager.moveItem(atPath: work, toPath: copy.path)
    }

    private static func tool(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
