import Foundation
import MittenTestSupport
import MittenRuntime
import Testing

@Suite(.serialized, .timeLimit(.minutes(3)))
struct MutexStoreEndToEndTests {
    @Test func killedHolderLosesTheLockAfterItsLeaseAndItsTokenIsRefused() async throws {
        let harness = try Harness()
        do {
            try await mutexScenario(harness)
        } catch {
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }

    private func mutexScenario(_ harness: Harness) async throws {
        let control = try await harness.startControl()
        let tokenFile = harness.directory + "/token"
        // The holder: `mutex with` runs a command that writes its token and sleeps.
        let holder = try harness.start(["mutex", "with", "nightly", "--lease", "3s", "--control", control, "--",
                                        "/bin/sh", "-c", "echo $MITTEN_MUTEX_TOKEN > \(tokenFile); exec sleep 600"])
        var deadToken = ""
        #expect(try await harness.eventually(20) {
            deadToken = ((try? String(contentsOfFile: tokenFile, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            return !deadToken.isEmpty
        })
        // Busy while held (and renewed).
        try await Task.sleep(for: .seconds(4))
        #expect(try await harness.run(["mutex", "lock", "nightly", "--control", control]).status == 3)
        let status = try await harness.run(["mutex", "status", "nightly", "--control", control])
        #expect(status.output.contains("locked by") && status.output.contains("token \(deadToken)"))

        // kill -9 the holder (and its command): the lease runs out, another process gets it.
        for pid in Processes.descendants(of: holder.pid) { kill(pid, SIGKILL) }
        holder.send(SIGKILL)
        let second = try await harness.run(["mutex", "lock", "nightly", "--wait", "20s", "--lease", "30s", "--control", control])
        #expect(second.status == 0, "lock after the dead holder's lease: \(second.error)")
        let newToken = second.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect((Int64(newToken) ?? 0) > (Int64(deadToken) ?? .max), "fencing tokens only increase")

        // The dead holder's token is refused; the live one unlocks.
        let stale = try await harness.run(["mutex", "unlock", "nightly", deadToken, "--control", control])
        #expect(stale.status == 5, "stale token: \(stale.error)")
        #expect(stale.error.contains("staleToken"))
        #expect(try await harness.run(["mutex", "unlock", "nightly", newToken, "--control", control]).status == 0)
    }

    @Test func storeAppendReadAndLongPoll() async throws {
        let harness = try Harness()
        do {
            let control = try await harness.startControl()
            let appended = try await harness.run(["store", "append", "events", #"{"k":1}"#, #"{"k":2}"#, "--control", control])
            #expect(appended.status == 0)
            let keys = appended.output.split(separator: "\n").compactMap { Int64($0) }
            #expect(keys.count == 2 && keys[0] < keys[1])
            let read = try await harness.run(["store", "read", "events", "--after", "\(keys[0])", "--control", control])
            #expect(read.output == "\(keys[1])\t{\"k\":2}\n")
            let empty = try await harness.run(["store", "read", "events", "--after", "\(keys[1])", "--wait", "200ms", "--control", control])
            #expect(empty.status == 3)
            async let waited = Task.detached {
                try await harness.run(["store", "read", "events", "--after", "\(keys[1])", "--wait", "20s", "--control", control])
            }.value
            try await Task.sleep(for: .seconds(1))
            #expect(try await harness.run(["store", "append", "events", "late", "--control", control]).status == 0)
            let late = try await waited
            #expect(late.status == 0 && late.output.hasSuffix("\tlate\n"))
        } catch {
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }

    @Test func queueErrorsAndExitCodes() async throws {
        let harness = try Harness()
        do {
            let control = try await harness.startControl()
            #expect(try await harness.run(["queue", "pop", "jobs", "--control", control]).status == 3)
            #expect(try await harness.run(["queue", "push", "jobs", "a", "b", "--control", control]).status == 0)
            let popped = try await harness.run(["queue", "pop", "jobs", "--lease", "1s", "--control", control])
            #expect(popped.status == 0 && popped.output.hasSuffix("\ta\n"))
            let lease = String(popped.output.split(separator: "\t")[0])
            try await Task.sleep(for: .milliseconds(1500))
            let expired = try await harness.run(["queue", "ack", "jobs", lease, "--control", control])
            #expect(expired.status == 4 && expired.error.contains("expiredLease"))
            #expect(try await harness.run(["queue", "ack", "jobs", "999.1", "--control", control]).status == 4)
            let bad = try await harness.run(["queue", "push", "../etc", "x", "--control", control])
            #expect(bad.status != 0 && bad.error.contains("name"))
            let big = String(repeating: "x", count: ServiceLimits.maximumItemBytes + 1)
            // Through stdin: one argument may not exceed the kernel's 128 KiB.
            let oversized = try await harness.run(["queue", "push", "jobs", "-", "--control", control], input: Data((big + "\n").utf8))
            #expect(oversized.status == 1 && oversized.error.contains("itemTooLarge"))
            let stats = try await harness.queueStats("jobs", control: control)
            #expect(stats?.items == 2, "nothing stored was lost or changed by the refused calls")
        } catch {
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }
}
