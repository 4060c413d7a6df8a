import Crypto
import Foundation

/// The cluster secret every connection proves knowledge of. Stored as 64 hex digits
/// in a 0600 file: `$MITTEN_SECRET_FILE`, else `~/.mitten/secret`, created on first use.
/// Its `description` never shows the key.
public struct ClusterSecret: Sendable, CustomStringConvertible {
    // Raw bytes rather than a SymmetricKey, which this swift-crypto does not mark Sendable.
    private let bytes: [UInt8]

    /// Wraps raw key bytes (at least 16).
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A fresh random 32-byte secret.
    public static func random() -> ClusterSecret {
        ClusterSecret(bytes: Handshake.nonce())
    }

    public var description: String { "ClusterSecret(redacted)" }

    /// The secret file's path: `MITTEN_SECRET_FILE` when set, else `~/.mitten/secret`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["MITTEN_SECRET_FILE"], !path.isEmpty { return path }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.mitten/secret"
    }

    /// Reads the secret at `path`, creating the file (0600, directory 0700) with a random
    /// secret when it does not exist. A file readable by group or others is refused.
    public static func loadOrCreate(path: String) throws -> ClusterSecret {
        if let existing = try load(path: path) { return existing }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let secret = ClusterSecret.random()
        let hex = secret.hex + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if fd < 0 {
            if errno == EEXIST, let raced = try load(path: path) { return raced }
            throw RuntimeError(.secretFile, "cannot create the cluster secret file \(path): \(String(cString: strerror(errno))); set MITTEN_SECRET_FILE to a writable path")
        }
        defer { close(fd) }
        let written = hex.utf8CString.withUnsafeBufferPointer { write(fd, $0.baseAddress, hex.utf8.count) }
        guard written == hex.utf8.count else {
            throw RuntimeError(.secretFile, "cannot write the cluster secret file \(path)")
        }
        return secret
    }

    /// Reads the secret at `path`; nil when the file does not exist.
    public static func load(path: String) throws -> ClusterSecret? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw RuntimeError(.secretFile, "cannot read the cluster secret file \(path): \(String(cString: strerror(errno)))")
        }
        if info.st_mode & 0o077 != 0 {
            throw RuntimeError(.secretFile, "the cluster secret file \(path) is readable by group or others; run `chmod 600 \(path)`")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RuntimeError(.secretFile, "cannot read the cluster secret file \(path)")
        }
        guard let bytes = hexBytes(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count >= 16 else {
            throw RuntimeError(.secretFile, "the cluster secret file \(path) must hold at least 32 hex digits; delete it to have mitten create a new one")
        }
        return ClusterSecret(bytes: bytes)
    }

    var hex: String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
