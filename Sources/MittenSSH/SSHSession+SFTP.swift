import CLibSSH2
import Crypto
import Foundation
import Logging

/// What an upload wrote and verified.
public struct SSHUploadResult: Sendable, Equatable {
    /// The remote path written.
    public var remotePath: String
    /// Bytes written.
    public var byteCount: Int
    /// The SHA-256 (lowercase hex) computed locally and confirmed by `sha256sum` remotely.
    public var sha256: String
}

extension SSHUploadResult {
    /// `sha256sum -c` input lines (`HASH  PATH`) checking `results` remotely.
    public static func checksumLines(_ results: [SSHUploadResult]) -> String {
        results.map { "\($0.sha256)  \($0.remotePath)\n" }.joined()
    }
}

/// One file for ``SSHSession/stage(_:)``: a local file or bytes, its remote path and mode.
public struct SSHStagedFile: Sendable, Equatable {
    /// Where it is written on the remote host.
    public var remotePath: String
    /// The local file to send, or nil when ``contents`` holds the bytes.
    public var localPath: String?
    /// The bytes to send when there is no local file.
    public var contents: [UInt8]?
    /// The remote file's mode.
    public var mode: Int32

    /// A local file to write at `remotePath`.
    public init(remotePath: String, localPath: String, mode: Int32) {
        self.remotePath = remotePath; self.localPath = localPath; self.contents = nil; self.mode = mode
    }

    /// `contents` to write at `remotePath`.
    public init(remotePath: String, contents: [UInt8], mode: Int32) {
        self.remotePath = remotePath; self.localPath = nil; self.contents = contents; self.mode = mode
    }
}

extension SSHSession {
    /// Uploads a local file over SFTP to `remotePath` with `mode`, then checks the
    /// remote copy with `sha256sum` against the local SHA-256. The data goes to a
    /// temporary name beside the target first and is renamed into place only after
    /// the checksum matched, so a running binary is replaced atomically and a bad
    /// copy never sits under the real name.
    public func upload(file localPath: String, to remotePath: String, mode: Int32 = 0o644) async throws -> SSHUploadResult {
        guard let input = FileHandle(forReadingAtPath: localPath) else {
            throw MittenSSHError(.localFileError, "cannot read \(localPath) to upload it; check the path and its permissions.")
        }
        defer { try? input.close() }
        return try await upload(to: remotePath, mode: mode) { () -> [UInt8]? in
            let chunk = input.readData(ofLength: 1 << 20)
            return chunk.isEmpty ? nil : Array(chunk)
        }
    }

    /// Uploads `bytes` to `remotePath` with `mode`, verified as `upload(file:to:mode:)`.
    public func upload(_ bytes: [UInt8], to remotePath: String, mode: Int32 = 0o644) async throws -> SSHUploadResult {
        var sent = false
        return try await upload(to: remotePath, mode: mode) { () -> [UInt8]? in
            defer { sent = true }
            return sent ? nil : bytes
        }
    }

    /// Runs `sha256sum` on `remotePath` and throws `checksumMismatch` unless it
    /// prints `expectedSHA256` (lowercase hex).
    public func verifyChecksum(of remotePath: String, expectedSHA256: String) async throws {
        try await perform { _ in try self.verifyChecksumBlocking(remotePath, expected: expectedSHA256) }
    }

    /// Writes every file of `files` over one SFTP session, each exactly at its
    /// ``SSHStagedFile/remotePath`` with its mode, and returns what was written with
    /// the SHA-256 computed locally. Nothing is verified or renamed remotely: the caller
    /// checks the copies in its own command (``SSHUploadResult/checksumLines(_:)`` feeds
    /// `sha256sum -c`), so that a batch of files costs one SFTP session and no extra
    /// command per file.
    public func stage(_ files: [SSHStagedFile]) async throws -> [SSHUploadResult] {
        try await perform { _ in
            LibSSH2.setTimeout(self.handle, self.configuration.operationTimeout)
            guard let sftp = libssh2_sftp_init(self.handle) else {
                throw self.failure(.sftpFailed, "cannot start SFTP on \(self.configuration.target); check that sshd has `Subsystem sftp` configured.")
            }
            defer { libssh2_sftp_shutdown(sftp) }
            var results: [SSHUploadResult] = []
            for file in files {
                let input: FileHandle?
                if let local = file.localPath {
                    guard let handle = FileHandle(forReadingAtPath: local) else {
                        throw MittenSSHError(.localFileError, "cannot read \(local) to upload it; check the path and its permissions.")
                    }
                    input = handle
                } else {
                    input = nil
                }
                defer { try? input?.close() }
                var sent = false
                let (total, digest) = try self.write(sftp, file.remotePath, mode: file.mode) { () -> [UInt8]? in
                    if let input {
                        let chunk = input.readData(ofLength: 1 << 20)
                        return chunk.isEmpty ? nil : Array(chunk)
                    }
                    defer { sent = true }
                    return sent ? nil : file.contents
                }
                results.append(SSHUploadResult(remotePath: file.remotePath, byteCount: total, sha256: digest))
            }
            return results
        }
    }

    private func upload(to remotePath: String, mode: Int32, nextChunk: @escaping () -> [UInt8]?) async throws -> SSHUploadResult {
        // nextChunk is called only on the session queue, one call at a time.
        nonisolated(unsafe) let next = nextChunk
        return try await perform { _ in try self.uploadBlocking(remotePath, mode: mode, nextChunk: next) }
    }

    private func uploadBlocking(_ remotePath: String, mode: Int32, nextChunk: () -> [UInt8]?) throws(MittenSSHError) -> SSHUploadResult {
        LibSSH2.setTimeout(handle, configuration.operationTimeout)
        guard let sftp = libssh2_sftp_init(handle) else {
            throw failure(.sftpFailed, "cannot start SFTP on \(configuration.target); check that sshd has `Subsystem sftp` configured.")
        }
        defer { libssh2_sftp_shutdown(sftp) }
        let partial = remotePath + ".mitten-partial"
        let (total, digest) = try write(sftp, partial, mode: mode, nextChunk: nextChunk)
        do {
            try verifyChecksumBlocking(partial, expected: digest)
        } catch {
            libssh2_sftp_unlink_ex(sftp, partial, UInt32(partial.utf8.count))
            throw error
        }
        let move = try runBlocking("mv -f -- \(ShellQuoting.quote(partial)) \(ShellQuoting.quote(remotePath))", timeout: configuration.operationTimeout)
        guard move.succeeded else {
            throw MittenSSHError(.sftpFailed, "cannot move \(partial) to \(remotePath) on \(configuration.target): \(move.errorText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        logger.debug("ssh upload verified", metadata: ["ssh.target": "\(configuration.target)", "ssh.path": "\(remotePath)", "ssh.bytes": "\(total)"])
        return SSHUploadResult(remotePath: remotePath, byteCount: total, sha256: digest)
    }

    /// Writes `path` (created or truncated) with `mode` from `nextChunk`; returns the
    /// byte count and the SHA-256 (lowercase hex) of what was written.
    private func write(_ sftp: OpaquePointer, _ path: String, mode: Int32, nextChunk: () -> [UInt8]?) throws(MittenSSHError) -> (Int, String) {
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
        guard let file = libssh2_sftp_open_ex(sftp, path, UInt32(path.utf8.count), flags, Int(mode), LIBSSH2_SFTP_OPENFILE) else {
            throw sftpFailure(sftp, "cannot create \(path) on \(configuration.target); check that its directory exists and is writable by \(configuration.user).")
        }
        var hasher = SHA256()
        var total = 0
        while let chunk = nextChunk() {
            hasher.update(data: chunk)
            var offset = 0
            while offset < chunk.count {
                let written = chunk.withUnsafeBytes { raw in
                    libssh2_sftp_write(file, raw.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self), chunk.count - offset)
                }
                guard written > 0 else {
                    libssh2_sftp_close_handle(file)
                    throw sftpFailure(sftp, "writing \(path) on \(configuration.target) failed after \(total + offset) bytes; check the remote disk space.")
                }
                offset += written
            }
            total += chunk.count
        }
        guard libssh2_sftp_close_handle(file) == 0 else {
            throw sftpFailure(sftp, "closing \(path) on \(configuration.target) failed; the upload may be incomplete.")
        }
        // The open mode is filtered by the server's umask: set it exactly.
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
        attributes.permissions = UInt(mode)
        guard libssh2_sftp_stat_ex(sftp, path, UInt32(path.utf8.count), LIBSSH2_SFTP_SETSTAT, &attributes) == 0 else {
            throw sftpFailure(sftp, "cannot set mode \(String(mode, radix: 8)) on \(path) on \(configuration.target).")
        }
        return (total, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }

    private func verifyChecksumBlocking(_ remotePath: String, expected: String) throws(MittenSSHError) {
        let result = try runBlocking("sha256sum -- \(ShellQuoting.quote(remotePath))", timeout: configuration.operationTimeout)
        guard result.succeeded else {
            throw MittenSSHError(.checksumMismatch, "`sha256sum` of \(remotePath) on \(configuration.target) failed (exit \(result.exitStatus)): \(result.errorText.trimmingCharacters(in: .whitespacesAndNewlines)); the image needs coreutils.")
        }
        let remote = String(result.outputText.prefix(while: { !$0.isWhitespace })).lowercased()
        guard remote == expected.lowercased() else {
            throw MittenSSHError(.checksumMismatch, "\(remotePath) on \(configuration.target) has SHA-256 \(remote.isEmpty ? "(none)" : remote), expected \(expected); the upload was corrupted, try again.")
        }
    }

    private func sftpFailure(_ sftp: OpaquePointer, _ message: String) -> MittenSSHError {
        let status = libssh2_sftp_last_error(sftp)
        var error = failure(.sftpFailed, message)
        if status != 0 { error.message += " (SFTP status \(status))" }
        return error
    }
}
