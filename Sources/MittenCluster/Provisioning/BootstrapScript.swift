import Foundation
import MittenSSH

/// The files a bootstrap writes over SFTP and the one command that then checks them
/// (`sha256sum -c`), fetches the ones with a relay (Control's binary relay, checked
/// against their SHA-256), moves them into place and starts mitten. A file first lands under
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

    /// The exit status of the command when a relayed file could not be fetched or did
    /// not have its SHA-256: the bootstrap then sends that file over SSH instead.
    static let relayFailed: Int32 = 75

    /// What SFTP writes: every file but those the VM fetches from their relay.
    var staged: [SSHStagedFile] {
        files.filter { $0.relay == nil }.map { file in
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
            if let relay = file.relay {
                let (url, authorization) = (ShellQuoting.quote(relay.url), ShellQuoting.quote("Authorization: Bearer \(relay.token)"))
                let failed = "{ rm -f \(partial); echo 'mitten: cannot fetch \(file.remotePath) from \(relay.url)' >&2; exit \(Self.relayFailed); }"
                lines.append("if command -v curl >/dev/null 2>&1; then curl -fsS --retry 10 --retry-connrefused --retry-delay 1 -H \(authorization) -o \(partial) \(url) || \(failed); "
                    + "else wget -q --tries=10 --retry-connrefused --waitretry=1 --header=\(authorization) -O \(partial) \(url) || \(failed); fi")
                // OpenSSL's SHA-256 uses the CPU's SHA instructions; coreutils' does not.
                lines.append("h=\"$( { openssl dgst -sha256 -r \(partial) 2>/dev/null || sha256sum \(partial); } | cut -c1-64)\"")
                lines.append("if [ \"$h\" != \(relay.sha256) ]; then rm -f \(partial); echo \"mitten: \(file.remotePath) from \(relay.url) has SHA-256 $h, not \(relay.sha256)\" >&2; exit \(Self.relayFailed); fi")
                lines.append("chmod \(String(file.mode, radix: 8)) \(partial)")
                lines.append("mv -f \(partial) \(ShellQuoting.quote(placed))")
            } else if let packing = file.packing {
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
