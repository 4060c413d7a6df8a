import CLibSSH2
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// What a remote command did. A non-zero exit is a value here, not a thrown error.
public struct SSHCommandResult: Sendable, Equatable {
    /// The command's exit status (`-1` when it died from a signal and sent none).
    public var exitStatus: Int32
    /// The signal that ended the command (`TERM`, `KILL`, ...), if one did.
    public var exitSignal: String?
    /// Everything the command wrote to standard output.
    public var standardOutput: [UInt8]
    /// Everything the command wrote to standard error.
    public var standardError: [UInt8]

    /// Standard output decoded as UTF-8.
    public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
    /// Standard error decoded as UTF-8.
    public var errorText: String { String(decoding: standardError, as: UTF8.self) }
    /// True when the command exited with status 0.
    public var succeeded: Bool { exitStatus == 0 && exitSignal == nil }
}

extension SSHSession {
    /// Runs `command` through the remote user's shell with an empty standard input,
    /// collecting standard output and standard error, and returns its exit status.
    /// Throws `timedOut` if it has not finished within `timeout` (default: the
    /// session's operation timeout); the channel is then closed.
    public func run(_ command: String, timeout: Duration? = nil) async throws -> SSHCommandResult {
        let limit = timeout ?? configuration.operationTimeout
        return try await perform { _ in try self.runBlocking(command, timeout: limit) }
    }

    func runBlocking(_ command: String, timeout: Duration) throws(MittenSSHError) -> SSHCommandResult {
        let deadline = ContinuousClock.now + timeout
        LibSSH2.setTimeout(handle, timeout)
        guard let channel = libssh2_channel_open_ex(handle, "session", 7, LibSSH2.channelWindowDefault, LibSSH2.channelPacketDefault, nil, 0) else {
            throw failure(.channelFailed, "cannot open a channel to \(configuration.target).")
        }
        guard libssh2_channel_process_startup(channel, "exec", 4, command, UInt32(command.utf8.count)) == 0 else {
            let error = failure(.channelFailed, "\(configuration.target) refused to run a command.")
            libssh2_channel_free(channel)
            throw error
        }
        libssh2_channel_send_eof(channel)
        var output: [UInt8] = []
        var errors: [UInt8] = []
        libssh2_session_set_blocking(handle, 0)
        let finished: Bool
        do {
            finished = try readUntilEOF(channel, output: &output, errors: &errors, deadline: deadline)
        } catch {
            libssh2_session_set_blocking(handle, 1)
            libssh2_channel_free(channel)
            throw error
        }
        guard finished else {
            // sshd confirms a close only once the command ends, so do not wait for it:
            // send the close without blocking and leave the channel to libssh2, which
            // frees it with the session.
            _ = libssh2_channel_close(channel)
            libssh2_session_set_blocking(handle, 1)
            throw MittenSSHError(.timedOut, "the command on \(configuration.target) did not finish within \(timeout); it may still be running there.")
        }
        libssh2_session_set_blocking(handle, 1)
        defer { libssh2_channel_free(channel) }
        LibSSH2.setTimeout(handle, max(.milliseconds(1), ContinuousClock.now.duration(to: deadline)))
        libssh2_channel_close(channel)
        libssh2_channel_wait_closed(channel)
        // libssh2 reports 0 when no exit-status came; a command killed by a signal sends
        // exit-signal instead, so report -1 then rather than a false success.
        let signal = exitSignal(channel)
        return SSHCommandResult(
            exitStatus: signal == nil ? libssh2_channel_get_exit_status(channel) : -1, exitSignal: signal,
            standardOutput: output, standardError: errors)
    }

    /// Reads both streams in non-blocking mode, waiting on the socket in between, so a
    /// command that fills standard error first cannot stall standard output. Returns
    /// false when the deadline passed first.
    private func readUntilEOF(
        _ channel: OpaquePointer, output: inout [UInt8], errors: inout [UInt8], deadline: ContinuousClock.Instant
    ) throws(MittenSSHError) -> Bool {
        var buffer = [UInt8](repeating: 0, count: 32768)
        while true {
            var progressed = false
            for stream in [Int32(0), LibSSH2.stderrStream] {
                while true {
                    let count = buffer.withUnsafeMutableBufferPointer { raw in
                        raw.baseAddress!.withMemoryRebound(to: CChar.self, capacity: raw.count) {
                            libssh2_channel_read_ex(channel, stream, $0, raw.count)
                        }
                    }
                    if count > 0 {
                        if stream == 0 { output += buffer[0..<count] } else { errors += buffer[0..<count] }
                        progressed = true
                    } else if count == 0 || count == Int(LIBSSH2_ERROR_EAGAIN) {
                        break
                    } else {
                        throw failure(.channelFailed, "reading the command's output from \(configuration.target) failed.")
                    }
                }
            }
            if libssh2_channel_eof(channel) != 0 { return true }
            if progressed { continue }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return false }
            let directions = libssh2_session_block_directions(handle)
            var events: Int16 = 0
            if directions & LIBSSH2_SESSION_BLOCK_INBOUND != 0 { events |= Int16(POLLIN) }
            if directions & LIBSSH2_SESSION_BLOCK_OUTBOUND != 0 { events |= Int16(POLLOUT) }
            _ = TCPConnection.wait(fd: socket, events: events == 0 ? Int16(POLLIN) : events, timeout: min(remaining, .milliseconds(200)))
        }
    }

    private func exitSignal(_ channel: OpaquePointer) -> String? {
        var name: UnsafeMutablePointer<CChar>?
        var nameLength = 0
        guard libssh2_channel_get_exit_signal(channel, &name, &nameLength, nil, nil, nil, nil) == 0, let name else { return nil }
        defer { libssh2_free(handle, name) }
        return nameLength > 0 ? String(cString: name) : nil
    }
}

/// Quoting for POSIX shells, for paths and arguments put into remote command lines.
public enum ShellQuoting {
    /// `value` in single quotes, with embedded single quotes written as `'\''`.
    public static func quote(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
