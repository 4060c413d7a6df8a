import Foundation
import MittenSSH

/// The files a bootstrap writes over SFTP and the one command that then checks them
/// (`sha256sum -c`), moves them into place and starts mitten. A file first lands under
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
        var lines = [
            "set -e",
            "if ! printf '%s' \(ShellQuoting.quote(checksums)) | sha256sum -c --quiet - >&2; then echo 'mitten: an uploaded file does not have the SHA-256 sent; the upload was corrupted, run up again' >&2; exit 1; fi",
        ]
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
