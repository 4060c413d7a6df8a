import Testing
import NIOCore
@testable import MittenRuntime

@Suite(.timeLimit(.minutes(1)))
struct RegistryTests {
    let address = WireAddress(host: "127.0.0.1", port: 9)

    @Test func registerLookupListAndCounts() async {
        let registry = Registry(clock: ManualClock())
        #expect(registry.register(RegistryEntry(name: "Queue-a", address: address, description: "Queue"), ttl: .seconds(30)))
        #expect(!(registry.register(RegistryEntry(name: "Queue-a", address: address, description: "Queue"), ttl: .seconds(30))))
        registry.register(RegistryEntry(name: "Mutex-b", address: address, description: "Mutex"), ttl: .seconds(30))
        #expect(registry.lookup("Queue-a")?.description == "Queue")
        #expect(registry.lookup("missing") == nil)
        #expect(registry.list().map(\.name) == ["Mutex-b", "Queue-a"])
        #expect(registry.counts() == RegistryCounts(live: 2, registered: 2, expired: 0))
        #expect(registry.unregister("Mutex-b"))
        #expect(registry.counts().live == 1)
    }

    @Test func leaseExpiresWithoutRenewalAndCanBeRegisteredAgain() async {
        let clock = ManualClock()
        let registry = Registry(clock: clock)
        let entry = RegistryEntry(name: "Statistics-x", address: address, description: "Statistics")
        registry.register(entry, ttl: .seconds(30))
        clock.advance(by: .seconds(20))
        registry.register(entry, ttl: .seconds(30)) // renewal moves the expiry to t=50
        clock.advance(by: .seconds(20))
        #expect(registry.lookup(entry.name) == entry)
        clock.advance(by: .seconds(10))
        #expect(registry.lookup(entry.name) == nil)
        #expect(registry.counts() == RegistryCounts(live: 0, registered: 1, expired: 1))
        registry.register(entry, ttl: .seconds(30))
        #expect(registry.lookup(entry.name) == entry)
        #expect(registry.counts() == RegistryCounts(live: 1, registered: 2, expired: 1))
    }

    /// Leases of different lengths, renewed or not, each vanish exactly when theirs runs
    /// out (the registry sweeps only once the earliest lease is due).
    @Test func leasesOfDifferentLengthsExpireEachInTurn() async {
        let clock = ManualClock()
        let registry = Registry(clock: clock)
        func entry(_ name: String) -> RegistryEntry { RegistryEntry(name: name, address: address, description: "Queue") }
        registry.register(entry("short"), ttl: .seconds(10))
        registry.register(entry("long"), ttl: .seconds(60))
        registry.register(entry("renewed"), ttl: .seconds(10))
        clock.advance(by: .seconds(5))
        registry.register(entry("renewed"), ttl: .seconds(30)) // now due at t=35
        registry.register(entry("late"), ttl: .seconds(20))    // due at t=25
        func live() -> [String] { registry.list().map(\.name) }
        clock.advance(by: .seconds(5))
        #expect(live() == ["late", "long", "renewed"])
        clock.advance(by: .seconds(15))
        #expect(live() == ["long", "renewed"])
        clock.advance(by: .seconds(10))
        #expect(live() == ["long"])
        clock.advance(by: .seconds(25))
        #expect(live() == [])
        #expect(registry.counts() == RegistryCounts(live: 0, registered: 4, expired: 4))
    }

    @Test func waitReturnsWhenTheNameIsRegistered() async throws {
        let clock = ManualClock()
        let registry = Registry(clock: clock)
        let waiter = Task { await registry.wait(for: "Queue-late", timeout: .seconds(10)) }
        while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let entry = RegistryEntry(name: "Queue-late", address: address, description: "Queue")
        registry.register(entry, ttl: .seconds(30))
        #expect(await waiter.value == entry)
    }

    /// A cancelled wait returns nil at once, whether it was cancelled before or while it
    /// waited, and a later registration still reaches the waits that remain.
    @Test func cancelledWaitsReturnNilAndOthersStillWake() async throws {
        let clock = ManualClock()
        let registry = Registry(clock: clock)
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await registry.wait(for: "Queue-x", timeout: .seconds(3600))
        }
        #expect(await early.value == nil)
        let cancelled = Task { await registry.wait(for: "Queue-x", timeout: .seconds(3600)) }
        let kept = Task { await registry.wait(for: "Queue-x", timeout: .seconds(3600)) }
        while clock.sleeperCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        let entry = RegistryEntry(name: "Queue-x", address: address, description: "Queue")
        registry.register(entry, ttl: .seconds(30))
        #expect(await kept.value == entry)
    }

    @Test func waitTimesOutOnTheInjectedClock() async throws {
        let clock = ManualClock()
        let registry = Registry(clock: clock)
        let waiter = Task { await registry.wait(for: "Queue-never", timeout: .seconds(10)) }
        while clock.sleeperCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        clock.advance(by: .seconds(9))
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(1))
        #expect(await waiter.value == nil)
    }

    /// A registry served on loopback, and a client of it.
    private func serveRegistry() async throws -> (WireServer, RegistryClient) {
        let secret = ClusterSecret.random()
        let registry = Registry(clock: ContinuousClock())
        let service = RegistryService.wireService(registry) { ServiceDescription(name: "Mitten-registry", kind: "Registry") }
        let server = try await WireServer.bind(services: [service], secret: secret, logger: testLogger)
        return (server, RegistryClient(client: WireClient(address: server.address, secret: secret, logger: testLogger)))
    }

    /// Strings as the documented layout writes them: `u16 length, UTF-8 bytes`.
    private func strings(_ texts: String...) -> ByteBuffer {
        var out = ByteBuffer()
        for text in texts {
            out.writeInteger(UInt16(text.utf8.count))
            out.writeString(text)
        }
        return out
    }

    @Test func registryOverTheWire() async throws {
        let (server, client) = try await serveRegistry()
        let entry = RegistryEntry(name: "Queue-jobs", address: address, description: "Queue")
        let waiter = Task { try await client.wait(for: "Queue-jobs", timeout: .seconds(10)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await client.register(entry, ttl: .seconds(30)))
        #expect(try await waiter.value == entry)
        #expect(try await client.lookup("Queue-jobs") == entry)
        #expect(try await client.list() == [entry])
        #expect(try await client.counts().registered == 1)
        #expect(try await client.wait(for: "nobody", timeout: .milliseconds(50)) == nil)
        #expect(try await client.unregister("Queue-jobs"))
        await client.client.close()
        await server.close()
    }

    @Test func hotMethodsSpeakTheirBinaryLayout() async throws {
        let (server, client) = try await serveRegistry()
        let entry = RegistryEntry(name: "Statistics-lätenz", address: WireAddress(host: "10.0.0.7", port: 65535), description: "Statistics")
        #expect(try await client.register(entry, ttl: .milliseconds(1500)))
        #expect(try await client.register(entry, ttl: .seconds(30)) == false)  // a renewal
        #expect(try await client.lookup("Statistics-lätenz") == entry)
        #expect(try await client.lookup("Statistics-other") == nil)
        // The documented bytes, as a client in another language writes them.
        var request = ByteBuffer()
        request.writeInteger(UInt32(30_000))
        var entryBytes = strings("Queue-raw", "127.0.0.1")
        entryBytes.writeInteger(UInt16(4242))
        entryBytes.writeImmutableBuffer(strings("Queue"))
        request.writeImmutableBuffer(entryBytes)
        let reply = try await client.client.call(service: "Registry", method: "register", payload: request)
        #expect(Array(reply.readableBytesView) == [1])
        let found = try await client.client.call(service: "Registry", method: "lookup", payload: strings("Queue-raw"))
        let expected = entryBytes
        #expect(found == expected)
        // A bad payload is refused with badPayload; the connection goes on.
        for bad in [
            ByteBuffer(bytes: [0, 0, 0]),                                  // ends inside the lease
            ByteBuffer(bytes: [0, 0, 0, 0, 0, 1, 0x41, 0, 0, 0, 0, 0, 0]), // a lease of 0 ms
            ByteBuffer(bytes: [0, 0, 3, 232, 0, 1, 0xFF, 0, 0, 0, 0, 0, 0]), // a name that is not UTF-8
            ByteBuffer(bytes: [0, 0, 3, 232, 0, 1, 0x41, 0, 0, 0, 0, 0, 0, 9]), // a byte after its end
        ] {
            let error = await #expect(throws: RuntimeError.self) {
                _ = try await client.client.call(service: "Registry", method: "register", payload: bad)
            }
            #expect(error?.remoteCode == "badPayload")
        }
        let error = await #expect(throws: RuntimeError.self) {
            _ = try await client.client.call(service: "Registry", method: "lookup", payload: ByteBuffer(bytes: [0, 5, 0x41]))
        }
        #expect(error?.remoteCode == "badPayload")
        #expect(try await client.lookup("Queue-raw")?.address == WireAddress(host: "127.0.0.1", port: 4242))
        await client.client.close()
        await server.close()
    }

    @Test(arguments: [
        // (a lease the client may not send, why)
        (Duration.zero, "no lease"),
        (Duration.seconds(-1), "a negative lease"),
        (Duration.seconds(5_000_000), "a lease beyond u32 milliseconds"),
        (Duration.seconds(86_401), "more than the day the server accepts"),
    ])
    func clientRefusesLeasesTheLayoutCannotCarry(ttl: Duration, why: String) {
        #expect(throws: RuntimeError.self, "\(why)") {
            _ = try RegistryWireFormat.encodeRegister(RegistryEntry(name: "a", address: address, description: "d"), ttl: ttl)
        }
    }
}
