import Foundation
import MittenProcess
import MittenSSH
import Testing
@testable import MittenCluster

/// The binary's compressed copies and the bootstrap script that unpacks them, run for
/// real with the machine's zstd, gzip, sha256sum and sh (scripts/setup installs them).
@Suite struct BinaryPayloadTests {
    func temporaryDirectory() throws -> String {
        let directory = NSTemporaryDirectory() + "mitten-payload-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return directory
    }

    /// zstd comes first, gzip second; a second call finds both in the cache; each
    /// unpacks to the original bytes through the bootstrap script's own commands.
    @Test func bothCopiesAreMadeCachedAndUnpackToTheBinary() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Not an ELF file, so `strip` refuses it and the copies hold it as it is.
        let original = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 7) }
        let binary = directory + "/mitten"
        try Data(original).write(to: URL(fileURLWithPath: binary))
        let prepared = try await BinaryPayload.prepare(binary: binary, cacheDirectory: directory + "/cache")
        let copies = prepared.copies
        #expect(copies.map(\.packing) == [.zstd, .gzip])
        let sum = try Program.runBlocking("/usr/bin/env", ["sha256sum", binary]).output.prefix(64)
        #expect(prepared.sha256 == String(sum))
        let cached = try await BinaryPayload.prepare(binary: binary, cacheDirectory: directory + "/cache")
        #expect(cached.copies == copies && cached.sha256 == prepared.sha256)

        for (vmHasZstd, expected) in [(true, UploadFile.Packing.zstd), (false, .gzip)] {
            let root = directory + "/vm-\(expected.rawValue)"
            try FileManager.default.createDirectory(atPath: root + "/usr/local/bin", withIntermediateDirectories: true)
            let file = UploadFile(remotePath: "/usr/local/bin/mitten", localPath: binary, mode: 0o755, packedCopies: copies)
                .resolved(vmHasZstd: vmHasZstd)
            #expect(file.packing == expected && file.packedCopies.isEmpty)
            let script = BootstrapScript(files: [file], root: root, sudo: false)
            // What SFTP would have written: the compressed copy under its staging name.
            let staged = script.staged[0]
            try FileManager.default.copyItem(atPath: staged.localPath!, toPath: staged.remotePath)
            let sum = try Program.runBlocking("/usr/bin/env", ["sha256sum", staged.remotePath]).output
            let run = try Program.runBlocking("/bin/sh", ["-c", script.script(checksums: sum, start: "true")])
            #expect(run.status == 0, "\(run.error)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: root + "/usr/local/bin/mitten")) == Data(original))
            let mode = try FileManager.default.attributesOfItem(atPath: root + "/usr/local/bin/mitten")[.posixPermissions] as? Int
            #expect(mode == 0o755)
        }
    }

    /// An `up` that ends before its payload is made cancels it, and that stops the
    /// compressors (they would otherwise outlive `up`, chewing on a large binary).
    @Test func cancellingThePayloadStopsTheCompressors() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let binary = directory + "/mitten"
        // 64 MiB of incompressible bytes: zstd -9 needs seconds for it, at low priority.
        let random = try #require(FileHandle(forReadingAtPath: "/dev/urandom"))
        try random.readData(ofLength: 64 << 20).write(to: URL(fileURLWithPath: binary))
        try random.close()
        func compressors() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { name in
                guard Int32(name) != nil, let data = FileManager.default.contents(atPath: "/proc/\(name)/cmdline") else { return nil }
                let line = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
                return line.contains(directory) && (line.contains("zstd") || line.contains("gzip")) ? line : nil
            }
        }
        let payload = Task { try await BinaryPayload.prepare(binary: binary, cacheDirectory: directory + "/cache") }
        var seen = false
        for _ in 0..<500 where !seen {
            seen = !compressors().isEmpty
            if !seen { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(seen, "a compressor started")
        payload.cancel()
        _ = await payload.result
        var left = compressors()
        for _ in 0..<200 where !left.isEmpty {
            try await Task.sleep(for: .milliseconds(25))
            left = compressors()
        }
        #expect(left.isEmpty, "\(left)")
        let cached = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/cache")) ?? []
        #expect(!cached.contains { $0.hasPrefix("mitten-") }, "no payload was finished: \(cached)")
    }

    /// Without packed copies the file goes as it is.
    @Test func withoutCopiesTheFileGoesAsItIs() {
        let file = UploadFile(remotePath: "/usr/local/bin/mitten", localPath: "/bin/true", mode: 0o755)
        #expect(file.resolved(vmHasZstd: true) == file)
        let onlyZstd = UploadFile(remotePath: "/x", localPath: "/bin/true", mode: 0o755, packedCopies: [.init(path: "/c.zst", packing: .zstd)])
        #expect(onlyZstd.resolved(vmHasZstd: false).packing == nil)
        #expect(onlyZstd.resolved(vmHasZstd: true).localPath == "/c.zst")
    }

    /// A worker fetches a relayed binary with one command that also carries the small
    /// files; over SSH (the fallback) the relay does not apply and the copy goes.
    @Test func aRelayedBinaryIsFetchedByOneCommandElseUploaded() {
        var binary = UploadFile(remotePath: "/usr/local/bin/mitten", localPath: "/bin/true", mode: 0o755, packedCopies: [.init(path: "/c.zst", packing: .zstd)])
        binary.relay = .init(url: "http://127.0.0.1:1/mitten", token: "t", sha256: String(repeating: "0", count: 64))
        let control = UploadFile(remotePath: "/etc/mitten/control", contents: Array("10.0.0.5:7647\n".utf8), mode: 0o600)
        #expect(BootstrapScript.fetching([binary, control], start: "true") != nil)
        #expect(BootstrapScript.fetching([control], start: "true") == nil, "nothing to fetch")
        let big = UploadFile(remotePath: "/opt/data", localPath: "/bin/true", mode: 0o644)
        #expect(BootstrapScript.fetching([binary, big], start: "true") == nil, "a local file needs SFTP")
        let uploaded = binary.resolved(vmHasZstd: true)
        #expect(uploaded.relay == nil && uploaded.localPath == "/c.zst")
    }
}
