import NIOHTTP1
import NIOCore
import Logging
import Foundation
/// Content types guessed from a name's extension (what Swift serves back on GET).
public enum ContentTypes {
    /// Lower-case extension (no dot) to MIME type.
    public static let byExtension: [String: String] = [
        "txt": "text/plain", "log": "text/plain", "md": "text/markdown", "csv": "text/csv",
        "html": "text/html", "htm": "text/html", "css": "text/css", "xml": "application/xml",
        "js": "application/javascript", "json": "application/json", "yaml": "application/yaml", "yml": "application/yaml",
        "pdf": "application/pdf", "zip": "application/zip", "gz": "application/gzip", "tgz": "application/gzip",
        "tar": "application/x-tar", "bz2": "application/x-bzip2", "xz": "application/x-xz", "zst": "application/zstd",
        "gem": "application/octet-stream", "bin": "application/octet-stream", "iso": "application/x-iso9660-image",
        "qcow2": "application/octet-stream", "img": "application/octet-stream",
        "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif", "svg": "image/svg+xml", "webp": "image/webp",
        "mp4": "video/mp4", "mp3": "audio/mpeg", "wav": "audio/wav",
        "sh": "application/x-sh", "py": "text/x-python", "rb": "text/x-ruby", "swift": "text/x-swift",
    ]

    /// The type for `name` by its extension, or `application/octet-stream`.
    public static func guess(forName name: String) -> String {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return "application/octet-stream" }
        let ext = last[last.index(after: dot)...].lowercased()
        return byExtension[ext] ?? "application/octet-stream"
    }
}
