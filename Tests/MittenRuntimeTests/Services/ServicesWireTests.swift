import Foundation
import Testing
import NIOCore
@testable import MittenRuntime

/// The Queue, Mutex and Store kinds served by a real WireServer on loopback and called
/// through their typed clients, as a worker would (without Control in between).
@Suite(.timeLimit(.minutes(1))) struct ServicesWireTests {
    struct Hosted {
        let server: WireServer
        let client: WireClient
        let data: TemporaryDataDirectory
    }

    func host(_ make: (ServiceKind.Context) throws -> any HostedService) async throws -> Hosted {
        let data = try TemporaryDataDirectory()
        let secret = ClusterSecret.random()
        let context = ServiceKind.Context(name: "jobs", dataDirectory: data.path, control: .defaultControl, secret: secret, logger: testLogger)
        let service = try make(context)
        var wire = service.wireService
        wire.on("describe", WireEmpty.self) { _ in await service.describe() }
        let server = try await WireServer.bind(services: [wire], secret: secret, logger: testLogger)
        return Hosted(server: server, client: WireClient(address: server.address, secret: secret, logger: testLogger), data: data)
    }

    func tearDown(_ hosted: Hosted) async {
        await hosted.client.close()
        await hosted.server.close()
        hosted.data.cleanUp()
    }

    @Test func queueRoundTripWithDeadLettersAndErrorCodes() async throws {
        let hosted = try await host { try QueueService(context: $0) }
        let queue = QueueClient(client: hosted.client)
        let dead = QueueClient(client: hosted.client, lane: .dead)
        try await queue.push(["a", "b", "c"])
        let first = try await queue.pop(limit: 2, lease: .seconds(60))
        #expect(first.map { String(decoding: $0.body, as: UTF8.self) } == ["a", "b"])
        #expect(try await queue.ack([first[0].lease]).accepted == 1)
        #expect(try await queue.nack([first[1].lease]).accepted == 1)
        #expect(try await queue.pop(limit: 5).map { String(decoding: $0.body, as: UTF8.self) } == ["b", "c"])
        // A refusal keeps its code across the wire.
        let refused = try await queue.ack([first[1].lease])
        #expect(throws: RuntimeError.self) { try refused.throwIfRefused() }
        #expect(refused.refused.first.map { RuntimeError.Code(name: $0.code) } == .expiredLease)
        // Oversized items and bad lease ids are refused with their own codes.
        await #expect { try await queue.push([[UInt8](repeating: 1, count: ServiceLimits.maximumItemBytes + 1)]) } throws: {
            ($0 as? RuntimeError)?.code == .itemTooLarge
        }
        #expect(try await dead.pop().isEmpty)
        let stats = try await queue.stats()
        #expect(stats.items == 2 && stats.leased == 2 && stats.acked == 1 && stats.pushed == 3)
        let description = try await hosted.client.call(service: QueueService.kindName, method: "describe", WireEmpty(), as: ServiceDescription.self)
        #expect(description.columns.map(\.title) == ["Items", "Delta", "Items/s", "Leased", "Dead", "Acked"])
        await tearDown(hosted)
    }

    @Test func blockingPopOverTheWire() async throws {
        let hosted = try await host { try QueueService(context: $0) }
        let queue = QueueClient(client: hosted.client)
        async let waiting = queue.pop(limit: 1, wait: .seconds(20))
        try await Task.sleep(for: .milliseconds(100))
        try await queue.push(["late"])
        #expect(try await waiting.map { String(decoding: $0.body, as: UTF8.self) } == ["late"])
        await tearDown(hosted)
    }

    /// Many tasks pushing, popping and acking one item each through one client share
    /// calls, and each still gets exactly its own outcome: an oversized item fails only
    /// its own push, a pop with no positive limit only its own pop.
    @Test func concurrentOneItemCallsShareCallsButNotErrors() async throws {
        let hosted = try await host { try QueueService(context: $0) }
        let queue = QueueClient(client: hosted.client)
        let ids = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for index in 0..<200 { group.addTask { try await queue.push(["item-\(index)"]) } }
            group.addTask {
                do {
                    _ = try await queue.push([[UInt8](repeating: 1, count: ServiceLimits.maximumItemBytes + 1)])
                    Issue.record("an oversized item was accepted")
                } catch let error as RuntimeError {
                    #expect(error.remoteCode == "itemTooLarge")
                }
                return []
            }
            var all: [Int64] = []
            for try await part in group { all += part }
            return all
        }
        #expect(Set(ids).count == 200)
        await #expect(throws: RuntimeError.self) { try await queue.pop(limit: 0) }
        let popped = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<200 {
                group.addTask {
                    let got = try await queue.pop(limit: 1, wait: .seconds(5))
                    #expect(try await queue.ack(got.map(\.lease)).accepted == got.count)
                    return got.map { String(decoding: $0.body, as: UTF8.self) }
                }
            }
            var all: [String] = []
            for try await part in group { all += part }
            return all
        }
        #expect(Set(popped) == Set((0..<200).map { "item-\($0)" }))
        let stats = try await queue.stats()
        #expect(stats.acked == 200 && stats.ready == 0 && stats.leased == 0)
        await tearDown(hosted)
    }

    /// A push, pop or ack whose binary payload is malformed is answered with
    /// `badPayload`; the connection stays open and nothing stored changes.
    @Test func malformedBinaryPayloadsAreRefusedAndLoseNothing() async throws {
        let hosted = try await host { try QueueService(context: $0) }
        let queue = QueueClient(client: hosted.client)
        try await queue.push(["kept"])
        var truncated = QueueWireFormat.encodePush(lane: .main, items: [[1, 2, 3]])
        truncated.moveWriterIndex(to: truncated.writerIndex - 1)
        for (method, payload) in [("push", truncated), ("pop", ByteBuffer(bytes: [0, 1])), ("ack", ByteBuffer(bytes: [0, 0, 0, 1])),
                                  ("nack", ByteBuffer(bytes: [0, 0, 0, 1, 0]))] {
            await #expect { _ = try await hosted.client.call(service: QueueService.kindName, method: method, payload: payload) } throws: {
                ($0 as? RuntimeError)?.remoteCode == "badPayload"
            }
        }
        let stats = try await queue.stats()
        #expect(stats.pushed == 1 && stats.ready == 1)
        #expect(try await queue.pop().map { String(decoding: $0.body, as: UTF8.self) } == ["kept"])
        await tearDown(hosted)
    }

    @Test func mutexStaleTokenRefusedOverTheWire() async throws {
        let hosted = try await host { try MutexService(context: $0) }
        let mutex = MutexClient(client: hosted.client)
        let first = try #require(try await mutex.lock(owner: "a", lease: .seconds(2)))
        // A blocking lock gets it once the first lease runs out (nobody renews it). (That
        // b is refused while a's lease runs is DurableMutexTests' business: a 2 s lease
        // is too short to assert on in a loaded parallel run.)
        let second = try #require(try await mutex.lock(owner: "b", lease: .seconds(30), wait: .seconds(20)))
        #expect(second.token > first.token)
        await #expect { try await mutex.unlock(token: first.token) } throws: { ($0 as? RuntimeError)?.code == .staleToken }
        #expect(try await mutex.status().holder?.owner == "b")
        try await mutex.unlock(token: second.token)
        #expect(try await mutex.status().locked == false)
        await tearDown(hosted)
    }

    @Test func storeLongPollOverTheWire() async throws {
        let hosted = try await host { try StoreService(context: $0) }
        let store = StoreClient(client: hosted.client)
        let keys = try await store.append([Array("one".utf8)])
        async let waiting = store.read(after: keys[0], limit: 10, wait: .seconds(20))
        try await Task.sleep(for: .milliseconds(100))
        try await store.append([Array("two".utf8)])
        #expect(try await waiting.map { String(decoding: $0.value, as: UTF8.self) } == ["two"])
        #expect(try await store.read(after: 0).count == 2)
        await tearDown(hosted)
    }
}
