import Crypto
import Foundation
import MittenSSH

/// The files a bootstrap writes over SFTP and the one command that then checks them
/// (`sha256sum -c`), moves them into place and starts mitten; or (``fetching(_:start:)``)
/// the one command of a worker that fetches the binary from Control's relay. A file first lands under
/// a temporary name (`NAME.mitten-partial`) beside its target, or in `/tmp` when the
/// login user is not root and `sudo install` must place it; a corrupt copy never
/// reaches its real name.
struct BootstrapScript {
    let files: [UploadFile]
    let root: String
    let sudo: Bool

    /// Where a file is staged.
    func staging(_ file: UploadFile) -> String {
        let base = sudo ? "/tmp/mitten-upload-\((file.remotePath as NSString).lastPathComponent)" : root + file.remotePath
        return base + ".mitten-partial"
    }

    /// The exit status of the fetching command when the VM cannot fetch, or a relayed
    /// file could not be fetched or did not have its SHA-256: the bootstrap then sends
    /// the files over SSH instead.
    static let relayFailed: Int32 = 75

    /// What SFTP writes.
    var staged: [SSHStagedFile] {
        files.map { file in
            let mode: Int32 = file.packing != nil ? 0o600 : file.mode
            if let local = file.localPath { return SSHStagedFile(remotePath: staging(file), localPath: local, mode: mode) }
            return SSHStagedFile(remotePath: staging(file), contents: file.contents ?? [], mode: mode)
        }
    }

    /// The command run after staging: `checksums` are `sha256sum -c` lines for the
    /// staged files, `start` the start command.
    func script(checksums: String, start: String) -> String {
        var lines = ["set -e"]
        if !checksums.isEmpty {
            lines.append("if ! printf '%s' \(ShellQuoting.quote(checksums)) | sha256sum -c --quiet - >&2; then echo 'mitten: an uploaded file does not have the SHA-256 sent; the upload was corrupted, run up again' >&2; exit 1; fi")
        }
        for file in files {
            let partial = ShellQuoting.quote(staging(file))
            let placed = String(staging(file).dropLast(".mitten-partial".count))
            let target = root + file.remotePath
            if let packing = file.packing {
                let packed = ShellQuoting.quote(placed + packing.suffix)
                let unpack = packing == .gzip ? "gunzip -f \(packed)" : "zstd -d -q -f --rm \(packed)"
                lines.append("mv -f \(partial) \(packed)")
                lines.append("\(unpack) || { echo 'mitten: cannot unpack \(target)' >&2; exit 1; }")
                lines.append("chmod \(String(file.mode, radix: 8)) \(ShellQuoting.quote(placed))")
            } else {
                lines.append("mv -f \(partial) \(ShellQuoting.quote(placed))")
            }
            if sudo {
                lines.append("sudo install -D -m \(String(file.mode, radix: 8)) \(ShellQuoting.quote(placed)) \(ShellQuoting.quote(target)) && rm -f \(ShellQuoting.quote(placed))")
            }
        }
        lines.append((sudo ? "sudo " : "") + start)
        return lines.joined(separator: "\n")
    }
}

extension BootstrapScript {
    /// One command that does a worker's whole bootstrap when it fetches the binary from
    /// Control's relay: it finds the root prefix and whether it needs `sudo` itself,
    /// writes the small files from the command (base64, SHA-256 checked), fetches the
    /// relayed ones, places everything and starts mitten; no probe and no SFTP session.
    /// It exits ``relayFailed`` before changing anything when the VM has neither `curl`
    /// nor `wget`, and ``relayFailed`` when a fetch fails, so that the bootstrap falls back
    /// to the probe and the upload. Nil when some file is neither relayed nor small.
    static func fetching(_ files: [UploadFile], start: String) -> String? {
        let inlineLimit = 64 * 1024
        guard files.contains(where: { $0.relay != nil }),
              files.allSatisfy({ $0.relay != nil || ($0.contents?.count ?? .max) <= inlineLimit }) else { return nil }
        var lines = [
            "set -e",
            #"r="${MITTEN_ROOT:-${MITTEN_SERVER_ROOT:-}}"; s="#,
            #"if [ -z "$r" ] && [ "$(id -u)" != 0 ]; then s=sudo; fi"#,
            "command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || exit \(relayFailed)",
        ]
        for file in files {
            let path = ShellQuoting.quote(file.remotePath)
            let directory = ShellQuoting.quote((file.remotePath as NSString).deletingLastPathComponent)
            let name = ShellQuoting.quote("/tmp/mitten-upload-" + (file.remotePath as NSString).lastPathComponent)
            let mode = String(file.mode, radix: 8)
            // p: where the file is placed by this login (its final place, or /tmp for sudo).
            lines.append(#"if [ -n "$s" ]; then p=\#(name); else mkdir -p "$r"\#(directory); p="$r"\#(path); fi"#)
            if let relay = file.relay {
                let (url, authorization) = (ShellQuoting.quote(relay.url), ShellQuoting.quote("Authorization: Bearer \(relay.token)"))
                let failed = #"{ rm -f "$p.mitten-partial"; echo 'mitten: cannot fetch \#(file.remotePath) from \#(relay.url)' >&2; exit \#(relayFailed); }"#
                lines.append(#"if command -v curl >/dev/null 2>&1; then curl -fsS --retry 10 --retry-connrefused --retry-delay 1 -H \#(authorization) -o "$p.mitten-partial" \#(url) || \#(failed); "#
                    + #"else wget -q --tries=10 --retry-connrefused --waitretry=1 --header=\#(authorization) -O "$p.mitten-partial" \#(url) || \#(failed); fi"#)
                lines.append(#"h="$( { openssl dgst -sha256 -r "$p.mitten-partial" 2>/dev/null || sha256sum "$p.mitten-partial"; } | cut -c1-64)""#)
                lines.append(#"if [ "$h" != \#(relay.sha256) ]; then rm -f "$p.mitten-partial"; echo "mitten: \#(file.remotePath) from \#(relay.url) has SHA-256 $h, not \#(relay.sha256)" >&2; exit \#(relayFailed); fi"#)
            } else {
                let bytes = file.contents ?? []
                let sum = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
                lines.append(#"printf '%s' \#(ShellQuoting.quote(Data(bytes).base64EncodedString())) | base64 -d > "$p.mitten-partial""#)
                lines.append(#"if ! printf '%s  %s\n' \#(sum) "$p.mitten-partial" | sha256sum -c --quiet - >&2; then rm -f "$p.mitten-partial"; echo 'mitten: \#(file.remotePath) did not arrive intact' >&2; exit 1; fi"#)
            }
            lines.append(#"chmod \#(mode) "$p.mitten-partial"; mv -f "$p.mitten-partial" "$p""#)
            lines.append(#"if [ -n "$s" ]; then sudo install -D -m \#(mode) "$p" \#(path) && rm -f "$p"; fi"#)
        }
        lines.append(#"$s "# + start)
        return lines.joined(separator: "\n")
    }
}
