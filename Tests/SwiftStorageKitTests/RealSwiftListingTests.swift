import Foundation
import Testing
@testable import SwiftStorageKit

/// Listings across several pages, with prefix and delimiter, against real Swift.
@Suite(.enabled(if: SwiftLab.enabled), .timeLimit(.minutes(3)))
struct RealSwiftListingTests {
    static let names: [String] = {
        var names: [String] = []
        for dir in ["a", "b", "b/deep", "c d"] { for i in 0..<5 { names.append("\(dir)/\(i).txt") } }
        for i in 0..<7 { names.append("top-\(i)") }
        return names.sorted()
    }()

    @Test func paginationWithPrefixAndDelimiter() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for name in Self.names {
                    group.addTask { try await client.upload(.bytes(Array(name.utf8)), container: container, object: name) }
                }
                try await group.waitForAll()
            }
            for pageSize in [1, 3, 4, 100] {
                let all = try await client.objects(in: container, pageSize: pageSize).collect()
                #expect(all.map(\.name) == Self.names, "page size \(pageSize)")
                if case .object(let first) = all.first {
                    #expect(first.bytes == Int64(first.name.utf8.count))
                    #expect(first.hash.count == 32)
                } else {
                    Issue.record("first entry is not an object")
                }

                let underB = try await client.objects(in: container, prefix: "b/", pageSize: pageSize).collect()
                #expect(underB.map(\.name) == Self.names.filter { $0.hasPrefix("b/") })

                let top = try await client.objects(in: container, delimiter: "/", pageSize: pageSize).collect()
                #expect(top == [.pseudoDirectory("a/"), .pseudoDirectory("b/"), .pseudoDirectory("c d/")]
                    + Self.names.filter { $0.hasPrefix("top-") }.map { name in top.first { $0.name == name } ?? .pseudoDirectory("missing \(name)") })

                let inB = try await client.objects(in: container, prefix: "b/", delimiter: "/", pageSize: pageSize).collect()
                #expect(inB.map(\.name) == ["b/0.txt", "b/1.txt", "b/2.txt", "b/3.txt", "b/4.txt", "b/deep/"])
                #expect(inB.last == .pseudoDirectory("b/deep/"))
            }
        }
    }

    @Test func emptyContainerListsNothing() async throws {
        let client = try SwiftLab.client()
        try await SwiftLab.withContainer(client) { container in
            let entries = try await client.objects(in: container, pageSize: 2).collect()
            #expect(entries.isEmpty)
        }
    }
}
