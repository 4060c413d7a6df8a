/// The cloud operations `up` and `down` need, as one protocol so that the provisioner
/// is written once. ``OpenStackClusterCloud`` implements it with OpenStackKit (Nova,
/// Neutron, Glance); OpenStackKit's transport already retries 413/429 after
/// `Retry-After` and renews tokens.
public protocol ClusterCloud: Sendable {
    /// Flavors, images, keypairs, security groups with rules, every server, limits.
    func state() async throws -> CloudState
    /// Imports the user's public key as keypair `name`.
    func importKeypair(name: String, publicKey: SSHPublicKey) async throws
    /// Creates a security group the plan found missing.
    func createSecurityGroup(name: String) async throws
    /// Adds an ingress rule (an identical existing rule is not an error).
    func createRule(group: String, rule: SecurityRule) async throws
    /// Boots a server and returns its id.
    func createServer(
        _ request: ClusterPlan.BootRequest, userData: RenderedUserData, metadata: [String: String], keyName: String, network: String?
    ) async throws -> String
    /// Every server of the project, and nothing else (what a wait for deletions lists).
    func servers() async throws -> [CloudState.Server]
    /// One server's current status, fault and addresses.
    func server(id: String) async throws -> CloudState.Server
    /// Deletes a server (a server already gone is not an error).
    func deleteServer(id: String) async throws
    /// Releases the floating IPs attached to a server; returns their addresses.
    func releaseFloatingIPs(serverID: String) async throws -> [String]
}

/// Puts mitten on a booted VM over SSH: verifies that the VM presents exactly the
/// host key mitten generated, uploads files with their checksums verified, and runs
/// the start script. ``MittenSSHBootstrapper`` implements it with MittenSSH.
public protocol NodeBootstrapper: Sendable {
    /// Waits for SSH on `address`, verifies `hostKey`, uploads `files`, runs `command`;
    /// says how the files with a relay got there.
    @discardableResult
    func bootstrap(node: String, address: String, hostKey: SSHPublicKey, files: [UploadFile], command: String) async throws -> FileDelivery
}

/// How a bootstrap delivered the files that have a relay.
public enum FileDelivery: Sendable, Equatable {
    /// Over SSH from the workstation (no relay, or the VM could not fetch).
    case uploaded
    /// Fetched by the VM from the relay.
    case relayed
}

/// One file the bootstrap uploads.
public struct UploadFile: Sendable, Hashable {
    /// Where it goes on the VM, relative to `${MITTEN_ROOT}` (e.g. `/usr/local/bin/mitten`).
    public var remotePath: String
    /// The local file to send, or nil when ``contents`` holds the bytes.
    public var localPath: String?
    /// The bytes to send when there is no local file.
    public var contents: [UInt8]?
    /// The file mode on the VM.
    public var mode: Int32
    /// How ``localPath`` is compressed, set by ``resolved(vmHasZstd:)``: the file travels
    /// compressed and the VM unpacks it (both formats check the unpacked bytes).
    public var packing: Packing?
    /// Compressed copies of ``localPath``, best first: the bootstrap sends the first one
    /// the VM can unpack instead (gzip always; zstd when the VM has it).
    public var packedCopies: [PackedCopy] = []
    /// Where the VM can fetch this file itself (Control's binary relay) instead of
    /// receiving it over SSH (``BootstrapScript/fetching(_:start:)``).
    public var relay: Relay?

    /// A file a VM fetches over HTTP inside the cloud, checked against its SHA-256.
    public struct Relay: Sendable, Hashable {
        /// `http://CONTROL:PORT/mitten`.
        public var url: String
        /// The bearer token the relay asks for.
        public var token: String
        /// Hex SHA-256 of the file.
        public var sha256: String
        /// Creates a description.
        public init(url: String, token: String, sha256: String) { self.url = url; self.token = token; self.sha256 = sha256 }
    }

    /// A compressed copy of a file.
    public struct PackedCopy: Sendable, Hashable {
        /// The compressed file.
        public var path: String
        /// Its format.
        public var packing: Packing
        /// Creates a description.
        public init(path: String, packing: Packing) { self.path = path; self.packing = packing }
    }

    /// This file as it goes over SSH to a VM that has `zstd` or not: the first packed
    /// copy the VM can unpack, else the file as it is (a relay does not apply).
    public func resolved(vmHasZstd: Bool) -> UploadFile {
        var file = self
        file.relay = nil
        guard let copy = packedCopies.first(where: { $0.packing == .gzip || vmHasZstd }) else { return file }
        file.localPath = copy.path
        file.packing = copy.packing
        file.packedCopies = []
        return file
    }

    /// A compression format of an uploaded file.
    public enum Packing: String, Sendable, Hashable {
        /// `gzip`, unpacked with `gunzip`.
        case gzip
        /// `zstd`, unpacked with `zstd -d`.
        case zstd

        /// The file name suffix.
        public var suffix: String { self == .gzip ? ".gz" : ".zst" }
    }

    /// A file read from disk (`packedCopies`: compressed copies to send instead, best first).
    public init(remotePath: String, localPath: String, mode: Int32, packedCopies: [PackedCopy] = []) {
        self.remotePath = remotePath; self.localPath = localPath; self.contents = nil; self.mode = mode
        self.packedCopies = packedCopies
    }

    /// A file made of `contents`.
    public init(remotePath: String, contents: [UInt8], mode: Int32) {
        self.remotePath = remotePath; self.localPath = nil; self.contents = contents; self.mode = mode
    }
}
