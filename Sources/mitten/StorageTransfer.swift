import ArgumentParser
import Foundation
import NIOCore
import SwiftStorageKit

extension MittenCommand.Storage {
    /// `mitten storage put CONTAINER FILE...`
    struct Put: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "put",
            abstract: "Upload files (streamed, MD5-verified; large ones as Static Large Objects).")

        @OptionGroup var options: StorageOptions
        @Argument(help: "The container (created if missing).") var container: String
        @Argument(help: "Files to upload.") var files: [String]
        @Option(help: "The object name (one file only); default: the file's name.") var name: String?
        @Option(help: "Object name prefix, e.g. 'backups/'.") var prefix: String = ""
        @Option(help: "Files above this size become SLOs (e.g. 1G, 100M); capped by the cluster's /info.") var threshold: String = "1G"
        @Option(name: .customLong("segment-size"), help: "SLO segment size; default: the threshold.") var segmentSize: String?
        @Option(help: "Segments uploaded at the same time.") var concurrency: Int = 4
        @Option(name: .customLong("content-type"), help: "Content type; default: guessed from the extension.") var contentType: String?
        @Option(name: .customLong("meta"), help: "Metadata KEY=VALUE (repeatable).") var metadata: [String] = []

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("name at least one file to upload") }
            if name != nil, files.count > 1 { throw ValidationError("--name works with exactly one file") }
            guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        }

        func run() async throws {
            let policy = LargeObjectPolicy(threshold: try parseSize(threshold), segmentSize: try segmentSize.map(parseSize), concurrency: concurrency)
            let client = try options.client(largeObjects: policy)
            let metadata = try parseMetadata(metadata)
            try await client.createContainer(container)
            var results: [ObjectInfo] = []
            for file in files {
                let url = URL(fileURLWithPath: file)
                let source = try ObjectSource.file(url)
                let object = name ?? (prefix + url.lastPathComponent)
                let progress = StorageProgress(label: object, total: source.length, json: options.json)
                defer { progress.finish() }
                let started = Date()
                let info = try await client.upload(source, container: container, object: object,
                                                   options: UploadOptions(contentType: contentType, metadata: metadata, progress: progress.callback))
                progress.finish()
                results.append(info)
                if !options.json {
                    let seconds = max(Date().timeIntervalSince(started), 0.001)
                    let kind = info.isStaticLargeObject ? " (SLO)" : ""
                    print("\(container)/\(object)  \(humanBytes(info.bytes))\(kind)  etag \(info.etag)  \(String(format: "%.1f", Double(info.bytes) / seconds / 1_000_000)) MB/s")
                }
            }
            if options.json { try options.printJSON(results) }
        }
    }

    /// `mitten storage get CONTAINER OBJECT [-o FILE]`
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "get",
            abstract: "Download an object (streamed; every byte checked against Swift's MD5s).")

        @OptionGroup var options: StorageOptions
        @Argument(help: "The container.") var container: String
        @Argument(help: "The object.") var object: String
        @Option(name: .shortAndLong, help: "Where to write it ('-' for standard output); default: the object's last path component.")
        var output: String?

        func run() async throws {
            let client = try options.client()
            if output == "-" {
                let stdout = FileHandle.standardOutput
                try await client.download(container: container, object: object) { chunk in
                    chunk.withUnsafeReadableBytes { stdout.write(Data($0)) }
                }
                return
            }
            let target = URL(fileURLWithPath: output ?? (object.split(separator: "/").last.map(String.init) ?? object))
            let head = try await client.objectInfo(container: container, object: object)
            let progress = StorageProgress(label: object, total: head.bytes, json: options.json)
            defer { progress.finish() }
            let started = Date()
            let info = try await client.download(container: container, object: object, to: target, progress: progress.callback)
            progress.finish()
            if options.json {
                try options.printJSON(info)
            } else {
                let seconds = max(Date().timeIntervalSince(started), 0.001)
                print("\(target.path)  \(humanBytes(info.bytes))  etag \(info.etag) verified  \(String(format: "%.1f", Double(info.bytes) / seconds / 1_000_000)) MB/s")
            }
        }
    }
}
