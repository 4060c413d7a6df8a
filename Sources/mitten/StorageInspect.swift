import ArgumentParser
import Foundation
import SwiftStorageKit

extension MittenCommand.Storage {
    /// `mitten storage ls [CONTAINER[/PREFIX]]`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List containers, or the objects of a container (under a prefix).")

        @OptionGroup var options: StorageOptions
        @Argument(help: "CONTAINER or CONTAINER/PREFIX; none lists the containers.") var path: String?
        @Option(help: "Fold names at this character into pseudo-directories (e.g. '/').") var delimiter: String?
        @Flag(name: .shortAndLong, help: "Show sizes, dates and MD5s.") var long = false

        func run() async throws {
            let client = try options.client()
            guard let path else {
                let containers = try await client.containers().collect()
                if options.json { return try options.printJSON(containers) }
                for container in containers {
                    print(long ? "\(container.name)\t\(container.count) objects\t\(humanBytes(container.bytes))" : container.name)
                }
                return
            }
            let target = StoragePath(path)
            var objects: [ObjectSummary] = []
            var directories: [String] = []
            for try await entry in client.objects(in: target.container, prefix: target.rest, delimiter: delimiter?.first) {
                switch entry {
                case .object(let summary):
                    if options.json { objects.append(summary); continue }
                    print(long ? "\(summary.name)\t\(humanBytes(summary.bytes))\t\(summary.lastModified ?? "-")\t\(summary.hash)" : summary.name)
                case .pseudoDirectory(let prefix):
                    if options.json { directories.append(prefix) } else { print(prefix) }
                }
            }
            if options.json {
                struct Output: Encodable { var objects: [ObjectSummary]; var directories: [String] }
                try options.printJSON(Output(objects: objects, directories: directories))
            }
        }
    }

    /// `mitten storage stat [CONTAINER [OBJECT]]`
    struct Stat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stat",
            abstract: "Show the account, a container or an object: sizes, counts, ETag, type, metadata.")

        @OptionGroup var options: StorageOptions
        @Argument(help: "A container (none: the account).") var container: String?
        @Argument(help: "An object of the container.") var object: String?

        func run() async throws {
            let client = try options.client()
            switch (container, object) {
            case (let container?, let object?):
                let info = try await client.objectInfo(container: container, object: object)
                if options.json { return try options.printJSON(info) }
                print("""
                Object: \(container)/\(object)
                Size: \(info.bytes) (\(humanBytes(info.bytes)))
                ETag: \(info.etag)
                Content-Type: \(info.contentType ?? "-")
                Last-Modified: \(info.lastModified ?? "-")
                Static large object: \(info.isStaticLargeObject ? "yes" : "no")
                """)
                printMetadata(info.metadata)
            case (let container?, nil):
                let info = try await client.containerInfo(container)
                if options.json { return try options.printJSON(info) }
                print("Container: \(container)\nObjects: \(info.objectCount)\nBytes: \(info.bytesUsed) (\(humanBytes(info.bytesUsed)))")
                printMetadata(info.metadata)
            default:
                let info = try await client.accountInfo()
                if options.json { return try options.printJSON(info) }
                print("Account: \(try await client.session().storageURL)\nContainers: \(info.containerCount)\nObjects: \(info.objectCount)\nBytes: \(info.bytesUsed) (\(humanBytes(info.bytesUsed)))")
                printMetadata(info.metadata.filter { !$0.key.hasPrefix("temp-url-key") })
            }
        }

        private func printMetadata(_ metadata: [String: String]) {
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) { print("Meta \(key): \(value)") }
        }
    }
}
