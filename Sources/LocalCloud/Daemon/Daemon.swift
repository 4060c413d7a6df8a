import Foundation
#if canImport(Glibc)
import Glibc
#endif

extension LocalCloud {
    /// Starting, finding and stopping a local cloud that runs as a background daemon.
    /// The daemon is the same binary re-executed (posix_spawn, new session; never fork
    /// without exec), serving the data directory in the foreground.
    public enum Daemon {
        /// The endpoint of the daemon serving `dataDirectory`, if one is running.
        public static func running(in dataDirectory: URL) -> Endpoint? {
            guard DataDirectoryLock.isHeld(dataDirectory),
                  let data = try? Data(contentsOf: dataDirectory.appendingPathComponent("daemon.json")),
                  let endpoint = try? JSONDecoder().decode(Endpoint.self, from: data),
                  kill(endpoint.pid, 0) == 0 else { return nil }
            return endpoint
        }

        /// Spawns `executable arguments` as a daemon (own session, stdio to `daemon.log`) and
        /// waits until it serves `dataDirectory`. Returns its endpoint.
        public static func start(executable: String, arguments: [String], dataDirectory: URL, timeout: Double = 60) throws -> Endpoint {
            if let endpoint = running(in: dataDirectory) { return endpoint }
            try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try? FileManager.default.removeItem(at: dataDirectory.appendingPathComponent("daemon.json"))
            let log = dataDirectory.appendingPathComponent("daemon.log").path
            var environment = ProcessInfo.processInfo.environment
            environment[ProcessControl.markerVariable] = nil
            let pid = try ProcessControl.spawn([executable] + arguments, environment: environment, logPath: log)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let endpoint = running(in: dataDirectory), endpoint.pid == pid { return endpoint }
                if !ProcessControl.isAlive(pid) {
                    let tail = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").suffix(1500)
                    throw LocalCloudError(.startup, "the local cloud daemon exited during start-up; its log (\(log)) ends with:\n\(tail)")
                }
                usleep(50_000)
            }
            kill(pid, SIGTERM)
            throw LocalCloudError(.startup, "the local cloud daemon did not come up within \(Int(timeout)) s; see \(log)")
        }

        /// Stops the daemon serving `dataDirectory` (SIGTERM; it kills every server's
        /// processes first) and waits for it to exit. Returns false when none was running.
        @discardableResult
        public static func stop(dataDirectory: URL, timeout: Double = 30) throws -> Bool {
            guard let endpoint = running(in: dataDirectory) else { return false }
            kill(endpoint.pid, SIGTERM)
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if !DataDirectoryLock.isHeld(dataDirectory), !ProcessControl.isAlive(endpoint.pid) { return true }
                usleep(50_000)
            }
            throw LocalCloudError(.startup, "the local cloud daemon (pid \(endpoint.pid)) did not stop within \(Int(timeout)) s")
        }

        /// Servers recorded in the data directory's state: (name, status, address).
        public static func servers(in dataDirectory: URL) -> [(name: String, status: String, address: String)] {
            guard let data = try? Data(contentsOf: dataDirectory.appendingPathComponent("state.json")) else { return [] }
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            guard let state = try? decoder.decode(CloudState.self, from: data) else { return [] }
            return state.servers.values.sorted { $0.name < $1.name }.map { ($0.name, $0.status, $0.address) }
        }
    }
}

extension LocalCloud.Endpoint {
    /// `export OS_*=...` lines for a shell (password login, Keystone v3).
    public var environmentSnippet: String {
        let c = credentials
        return """
            export OS_AUTH_URL=\(authURL)
            export OS_IDENTITY_API_VERSION=3
            export OS_USERNAME=\(c.username)
            export OS_PASSWORD=\(c.password)
            export OS_PROJECT_NAME=\(c.projectName)
            export OS_USER_DOMAIN_NAME=\(c.domainName)
            export OS_PROJECT_DOMAIN_NAME=\(c.domainName)
            export OS_REGION_NAME=\(CloudAPI.region)
            """
    }

    /// A clouds.yaml entry named `mitten-local` (and an application-credential variant).
    public var cloudsYAMLSnippet: String {
        let c = credentials
        return """
            clouds:
              mitten-local:
                auth:
                  auth_url: \(authURL)
                  username: \(c.username)
                  password: \(c.password)
                  project_name: \(c.projectName)
                  user_domain_name: \(c.domainName)
                  project_domain_name: \(c.domainName)
                region_name: \(CloudAPI.region)
                identity_api_version: 3
              mitten-local-appcred:
                auth_type: v3applicationcredential
                auth:
                  auth_url: \(authURL)
                  application_credential_id: \(c.applicationCredentialID)
                  application_credential_secret: \(c.applicationCredentialSecret)
                region_name: \(CloudAPI.region)
                identity_api_version: 3
            """
    }
}
