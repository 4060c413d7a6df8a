import Foundation
import Testing
@testable import LocalCloud

/// python-openstackclient (scripts/requirements-test.txt) against a real local cloud, and a
/// real booted server: files, runcmd with the metadata URL, sshd with the given host key.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct OpenStackClientTests {
    @Test func openstackClientDrivesAServerThroughItsLife() async throws {
        try await TestCloud.with(TestCloud.configuration()) { cloud in
            let work = TestCloud.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: work) }
            let flavors = try #require(try await cloud.openstackJSON(["flavor", "list"]) as? [[String: Any]])
            #expect(flavors.contains { $0["Name"] as? String == "m1.small" })
            let images = try #require(try await cloud.openstackJSON(["image", "list"]) as? [[String: Any]])
            #expect(images.contains { $0["Name"] as? String == "debian-12" })

            let client = try await makeKeyPair(in: work, name: "client")
            let host = try await makeKeyPair(in: work, name: "host")
            let keypair = try #require(try await cloud.openstackJSON(["keypair", "create", "--public-key", client.path + ".pub", "k1"]) as? [String: Any])
            #expect((keypair["fingerprint"] as? String)?.count == 47)

            let group = try #require(try await cloud.openstackJSON(["security", "group", "create", "sg1"]) as? [String: Any])
            #expect(group["name"] as? String == "sg1")
            let rule = try #require(try await cloud.openstackJSON(["security", "group", "rule", "create", "--protocol", "tcp", "--dst-port", "22", "sg1"]) as? [String: Any])
            #expect(rule["port_range_min"] as? Int == 22)

            let hostPrivate = try String(contentsOfFile: host.path, encoding: .utf8)
            let b64 = Data("binary\u{1}\n".utf8).base64EncodedString()
            let userData = """
                #cloud-config
                write_files:
                  - path: /etc/mitten/plain.txt
                    content: hello from user-data
                    permissions: '0600'
                  - path: /etc/mitten/b64.bin
                    encoding: b64
                    content: \(b64)
                ssh_keys:
                  ed25519_private: |
                \(hostPrivate.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                  ed25519_public: \(host.publicKey)
                runcmd:
                  - echo "$MITTEN_METADATA_URL" > seen-url
                  - [sh, -c, "curl -sf ${MITTEN_METADATA_URL}openstack/latest/meta_data.json > meta.json"]
                  - sleep 600

                """
            let userDataPath = work.appendingPathComponent("user-data").path
            try userData.write(toFile: userDataPath, atomically: true, encoding: .utf8)
            let created = try #require(try await cloud.openstackJSON([
                "server", "create", "--image", "debian-12", "--flavor", "m1.medium", "--key-name", "k1", "--security-group", "sg1",
                "--user-data", userDataPath, "--property", "role=worker", "--wait", "node-1"]) as? [String: Any])
            #expect(created["status"] as? String == "ACTIVE")
            let id = try #require(created["id"] as? String)

            let list = try #require(try await cloud.openstackJSON(["server", "list"]) as? [[String: Any]])
            #expect(list.count == 1 && list.first?["Name"] as? String == "node-1")
            let shown = try #require(try await cloud.openstackJSON(["server", "show", "node-1"]) as? [String: Any])
            #expect(shown["status"] as? String == "ACTIVE")

            // The server's files, runcmd and metadata service.
            let directory = cloud.serverDirectory(id)
            let plain = directory.appendingPathComponent("root/etc/mitten/plain.txt").path
            #expect(try String(contentsOfFile: plain, encoding: .utf8) == "hello from user-data")
            let mode = try FileManager.default.attributesOfItem(atPath: plain)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(FileManager.default.contents(atPath: directory.appendingPathComponent("root/etc/mitten/b64.bin").path) == Data("binary\u{1}\n".utf8))
            let metadataURL = "\(cloud.endpoint.baseURL)/metadata/\(id)/"
            let meta = try await waitForFile(directory.appendingPathComponent("root/meta.json"))
            #expect(try String(contentsOf: directory.appendingPathComponent("root/seen-url"), encoding: .utf8) == metadataURL + "\n")
            let metaObject = try #require(try JSONSerialization.jsonObject(with: meta) as? [String: Any])
            #expect(metaObject["name"] as? String == "node-1" && metaObject["uuid"] as? String == id)
            #expect((metaObject["meta"] as? [String: String])?["role"] == "worker")
            #expect(metaObject["vcpus"] as? Int == 2)

            // sshd: exactly the given host key, and the keypair's key logs in.
            let address = try #require(await cloud.serverAddress(id))
            let scan = try await run(["/usr/bin/ssh-keyscan", "-t", "ed25519", "-p", "22", address])
            let scanned = scan.out.split(separator: "\n").first { !$0.hasPrefix("#") }.map(String.init) ?? ""
            let hostKeyFields = host.publicKey.split(separator: " ")
            #expect(scanned == "\(address) \(hostKeyFields[0]) \(hostKeyFields[1])")
            let knownHosts = work.appendingPathComponent("known_hosts").path
            try "\(address) \(hostKeyFields[0]) \(hostKeyFields[1])\n".write(toFile: knownHosts, atomically: true, encoding: .utf8)
            let user = ProcessInfo.processInfo.environment["USER"] ?? "root"
            let ssh = try await run(["/usr/bin/ssh", "-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "BatchMode=yes",
                               "-o", "IdentitiesOnly=yes", "-i", client.path, "\(user)@\(address)", "echo logged-in $MITTEN_SERVER_NAME"])
            #expect(ssh.out == "logged-in node-1\n", "ssh: \(ssh.err)")

            // Floating IPs, limits.
            let floating = try #require(try await cloud.openstackJSON(["floating", "ip", "create", "public"]) as? [String: Any])
            let floatingAddress = try #require(floating["floating_ip_address"] as? String)
            let ports = try #require(try await cloud.openstackJSON(["port", "list", "--server", id]) as? [[String: Any]])
            let portID = try #require(ports.first?["ID"] as? String)
            #expect(try await cloud.openstack(["floating", "ip", "set", "--port", portID, floatingAddress]).status == 0)
            let associated = try #require(try await cloud.openstackJSON(["floating", "ip", "show", floatingAddress]) as? [String: Any])
            #expect(associated["fixed_ip_address"] as? String == address)
            #expect(try await cloud.openstack(["floating", "ip", "delete", floatingAddress]).status == 0)
            let limits = try #require(try await cloud.openstackJSON(["limits", "show", "--absolute"]) as? [[String: Any]])
            #expect(limits.contains { $0["Name"] as? String == "totalCoresUsed" && $0["Value"] as? Int == 2 })

            // Delete: no process of the server is left.
            let sshdPID = try #require(await cloud.processes(id).sshdPID)
            #expect(try await cloud.openstack(["server", "delete", "--wait", "node-1"]).status == 0)
            #expect(ProcessControl.markedProcesses(serverID: id).isEmpty)
            #expect(!ProcessControl.isAlive(sshdPID))
            #expect(!canConnect(host: address, port: 22))
            let empty = try #require(try await cloud.openstackJSON(["server", "list"]) as? [[String: Any]])
            #expect(empty.isEmpty)
        }
    }
}

extension TestCloud {
    func state() throws -> CloudState {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(CloudState.self, from: Data(contentsOf: dataDirectory.appendingPathComponent("state.json")))
    }
    func serverAddress(_ id: String) async -> String? { try? state().servers[id]?.address }
    func processes(_ id: String) async -> ProcessRecord { (try? state().servers[id]?.processes) ?? ProcessRecord() }
}

/// Waits up to 20 s for a file to exist and be non-empty.
func waitForFile(_ url: URL) async throws -> Data {
    for _ in 0..<200 {
        if let data = FileManager.default.contents(atPath: url.path), !data.isEmpty { return data }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw TestFailure("\(url.path) did not appear")
}
