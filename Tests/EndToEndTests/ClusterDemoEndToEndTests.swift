import Foundation
import MittenTestSupport
import Testing

/// The README's main job as a user runs it: scripts/demo-cluster brings examples/cluster.yaml
/// up on the local cloud (real sshd per server, real cloud-init run, the SSH bootstrap
/// through libssh2 with the host keys mitten generated), runs the checksum workload through
/// the shared queues, shows the console, tears the cluster down and checks that no server
/// process is left.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct ClusterDemoEndToEndTests {
    @Test func exampleClusterComesUpRunsItsWorkloadAndGoesAway() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["MITTEN_BINARY"] = try Harness.findBinary()
        let result = try await runProgram("/bin/bash", [root + "/scripts/demo-cluster"], environment: environment, directory: root)
        let output = result.output
        #expect(result.status == 0, "demo-cluster failed: \(result.error.suffix(3000))\n\(output.suffix(3000))")
        #expect(output.contains("every VM registered"))
        // Control got the binary over SSH; every worker fetched it from Control's relay.
        let bootstrapped = output.split(separator: "\n").filter { $0.contains(" bootstrapped ") }
        #expect(bootstrapped.filter { $0.contains("mitten from Control's relay") }.count == 3 && bootstrapped.count == 4, "\(bootstrapped)")
        // cluster status: the flavor each VM booted with, and what registered from it.
        let statusLines = output.split(separator: "\n").filter { $0.hasPrefix("Lister-1 ") || $0.hasPrefix("Control-1 ") }
        #expect(statusLines.contains { $0.contains(" ACTIVE ") && $0.contains(" m1.small ") && $0.hasSuffix("TaskGroup-Lister-Lister-1") },
                "\(statusLines)")
        // Control's own entries, plus the queues once the Lister asked for them ("4 services").
        #expect(statusLines.contains { $0.hasPrefix("Control-1 ") && $0.contains(" m1.small ")
            && ($0.hasSuffix("Mitten-control,Mitten-registry") || $0.hasSuffix(" services")) }, "\(statusLines)")
        #expect(output.contains("ready 0\nleased 0\n"), "every file listed was checksummed and acked")
        #expect(output.contains("cat /etc/mitten/node (libssh2, mitten's host key)\nChecksummer-2\n"), "cluster ssh -- cmd")
        #expect(output.contains("known_hosts file mitten wrote\nChecksummer-1\n"), "cluster ssh through OpenSSH")
        #expect(output.contains("Lister@Lister-1") && output.contains("Checksummer@Checksummer-2"), "task groups on the console")
        #expect(output.contains("deleted: Checksummer-1, Checksummer-2, Control-1, Lister-1"))
        #expect(output.contains("no server process left"))
    }
}
