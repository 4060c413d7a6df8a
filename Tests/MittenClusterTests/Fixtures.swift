import Foundation
@testable import MittenCluster

/// A valid cluster file, built around a freshly generated ed25519 key, for tests
/// that change one thing at a time.
enum Fixtures {
    static let userKey = HostKey(comment: "user@workstation")

    static func clusterFile(
        name: String = "checksums",
        groups: String = """
          - {name: Control, flavor: m1.small, count: 1}
          - {name: Lister, flavor: m1.small, count: 1}
          - {name: Checksummer, flavor: m1.medium, count: 3}
        """,
        extra: String = ""
    ) -> String {
        """
        name: \(name)
        cloud: local
        image:
          name: debian-12
          login_user: debian
        network: private
        ssh_key:
          public: \(userKey.publicLine)
          private: ~/.ssh/id_ed25519
        security_groups:
          ssh:
            - {protocol: tcp, cidr: 0.0.0.0/0, from: 22, to: 22}
        cluster:
        \(groups)
        tasks:
          - name: Lister
            command: [/bin/sh, -c, "find /data -type f | mitten queue push files"]
            maximum_workers: 1
            services: [{kind: Queue, name: files}]
          - name: Checksummer
            command: [mitten, queue, work, files]
            cpu_multiplier: 2
        config:
          root: /data
        \(extra)
        """
    }

    static func spec(_ text: String = clusterFile()) throws -> ClusterSpec {
        try ClusterSpec.parse(text, file: "mitten.yaml", home: "/home/u") { path in
            throw ClusterError(.unreadableFile, "no file \(path) in tests")
        }
    }

    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "mitten-cluster-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
