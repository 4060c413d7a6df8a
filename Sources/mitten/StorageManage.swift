import ArgumentParser
import Foundation
import SwiftStorageKit

extension MittenCommand.Storage {
    /// `mitten storage rm CONTAINER [OBJECT...]`
    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Delete objects (an SLO with its segments), or an empty container.")

        @OptionGroup var options: StorageOptions
        @Argument(help: "The container.") var container: String
        @Argument(help: "Objects to delete; none deletes the container itself.") var objects: [String] = []
        @Flag(name: .shortAndLong, help: "With no objects: delete every object first, then the container.") var recursive = false

        func run() async throws {
            let client = try options.client()
            var deleted: [String] = []
            var names = objects
            if objects.isEmpty, recursive {
                names = try await client.objects(in: container).collect().map(\.name)
            }
            for name in names {
                try await client.deleteObject(container: container, object: name)
                deleted.append("\(container)/\(name)")
                if !options.json { print("deleted \(container)/\(name)") }
            }
            if objects.isEmpty {
                try await client.deleteContainer(container)
                deleted.append(container)
                if !options.json { print("deleted container \(container)") }
            }
            if options.json { try options.printJSON(["deleted": deleted]) }
        }
    }

    /// `mitten storage mkdir CONTAINER`
    struct MakeContainer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mkdir", abstract: "Create a container (nothing happens if it exists).")

        @OptionGroup var options: StorageOptions
        @Argument(help: "The container.") var container: String
        @Option(name: .customLong("meta"), help: "Metadata KEY=VALUE (repeatable).") var metadata: [String] = []

        func run() async throws {
            let client = try options.client()
            try await client.createContainer(container, metadata: try parseMetadata(metadata))
            if options.json { try options.printJSON(["container": container]) } else { print("container \(container) ready") }
        }
    }

    /// `mitten storage tempurl CONTAINER OBJECT`
    struct TempURL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tempurl",
            abstract: "Print a signed URL (HMAC-SHA256) that allows GET or PUT of one object without credentials.",
            discussion: "The account needs a TempURL key: set one with --set-key (once).")

        @OptionGroup var options: StorageOptions
        @Argument(help: "The container.") var container: String?
        @Argument(help: "The object.") var object: String?
        @Option(help: "GET or PUT.") var method: String = "GET"
        @Option(help: "Validity in seconds.") var lifetime: Int = 3600
        @Option(name: .customLong("set-key"), help: "Set the account's TempURL key first.") var setKey: String?

        func validate() throws {
            guard TempURLSigner.Method(rawValue: method.uppercased()) != nil else { throw ValidationError("--method must be GET, PUT or HEAD") }
            guard lifetime > 0 else { throw ValidationError("--lifetime must be positive") }
            guard (container == nil) == (object == nil) else { throw ValidationError("give both CONTAINER and OBJECT") }
            guard container != nil || setKey != nil else { throw ValidationError("give CONTAINER OBJECT, or --set-key KEY") }
        }

        func run() async throws {
            let client = try options.client()
            if let setKey { try await client.setTempURLKey(setKey) }
            guard let container, let object else {
                if options.json { try options.printJSON(["key": "set"]) } else { print("TempURL key set") }
                return
            }
            let signed = try await client.tempURL(method: TempURLSigner.Method(rawValue: method.uppercased())!, container: container,
                                                  object: object, lifetime: .seconds(lifetime))
            if options.json { try options.printJSON(["url": signed.absoluteString, "method": method.uppercased()]) } else { print(signed.absoluteString) }
        }
    }
}
