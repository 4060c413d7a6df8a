import Foundation
@testable import OpenStackKit
import Testing

@Suite struct CredentialsTests {
    /// A scratch directory with clouds.yaml / secure.yaml / .power_mitten files.
    struct Files {
        let root: String
        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("mitten-creds-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: root + "/home/.config/openstack", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/cwd", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws { try text.write(toFile: root + "/" + path, atomically: true, encoding: .utf8) }
        var paths: Credentials.SearchPaths {
            .init(cloudsDirectories: [root + "/cwd", root + "/home/.config/openstack", root + "/etc"],
                  powerMittenFile: root + "/home/.power_mitten")
        }
        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    static let cloudsYAML = """
        clouds:
          lab:
            auth:
              auth_url: http://clouds.example:5000/v3
              username: cloud-user
              project_name: cloud-project
              user_domain_name: Default
              project_domain_name: Default
            region_name: RegionTwo
            interface: internal
          appcred:
            auth_type: v3applicationcredential
            auth:
              auth_url: http://clouds.example:5000/v3
              application_credential_id: ac-123
        """
    static let secureYAML = """
        clouds:
          lab:
            auth:
              password: from-secure-yaml
          appcred:
            auth:
              application_credential_secret: secret-from-secure
        """
    static let powerMitten = """
        openstack_auth_url: http://legacy.example:5000/v2.0/tokens
        openstack_tenant: legacy-tenant
        openstack_username: legacy-user
        openstack_api_key: legacy-key
        swift_uri: http://swift.example/auth/v1.0
        """

    @Test func powerMittenAloneWorksAndSaysV2() throws {
        let files = try Files()
        defer { files.remove() }
        try files.write("home/.power_mitten", Self.powerMitten)
        let credentials = try Credentials.resolve(environment: [:], searchPaths: files.paths)
        #expect(credentials.authURL == "http://legacy.example:5000/v2.0/tokens")
        #expect(credentials.resolvedIdentityVersion == .v2)
        #expect(credentials.tokenURL == "http://legacy.example:5000/v2.0/tokens")
        #expect(credentials.projectName == "legacy-tenant")
        #expect(credentials.username == "legacy-user")
        #expect(credentials.password?.revealed == "legacy-key")
    }

    @Test func cloudsYAMLWithSecureYAMLMergedBeatsPowerMitten() throws {
        let files = try Files()
        defer { files.remove() }
        try files.write("home/.power_mitten", Self.powerMitten)
        try files.write("home/.config/openstack/clouds.yaml", Self.cloudsYAML)
        try files.write("etc/secure.yaml", Self.secureYAML)
        let credentials = try Credentials.resolve(environment: ["OS_CLOUD": "lab"], searchPaths: files.paths)
        #expect(credentials.authURL == "http://clouds.example:5000/v3")
        #expect(credentials.username == "cloud-user")
        #expect(credentials.password?.revealed == "from-secure-yaml")
        #expect(credentials.regionName == "RegionTwo")
        #expect(credentials.interface == .internal)
        #expect(credentials.resolvedIdentityVersion == .v3)
    }

    @Test func theFirstCloudsYAMLOnTheSearchPathWins() throws {
        let files = try Files()
        defer { files.remove() }
        try files.write("etc/clouds.yaml", Self.cloudsYAML.replacingOccurrences(of: "cloud-user", with: "etc-user"))
        try files.write("cwd/clouds.yaml", Self.cloudsYAML.replacingOccurrences(of: "cloud-user", with: "cwd-user"))
        try files.write("cwd/secure.yaml", Self.secureYAML)
        let credentials = try Credentials.resolve(cloud: "lab", environment: [:], searchPaths: files.paths)
        #expect(credentials.username == "cwd-user")
    }

    @Test func environmentBeatsCloudsYAMLAndFlagsBeatEnvironment() throws {
        let files = try Files()
        defer { files.remove() }
        try files.write("cwd/clouds.yaml", Self.cloudsYAML)
        try files.write("cwd/secure.yaml", Self.secureYAML)
        let environment = ["OS_CLOUD": "lab", "OS_USERNAME": "env-user", "OS_REGION_NAME": "RegionEnv", "OS_PASSWORD": "env-pw"]
        let fromEnvironment = try Credentials.resolve(environment: environment, searchPaths: files.paths)
        #expect(fromEnvironment.username == "env-user")
        #expect(fromEnvironment.regionName == "RegionEnv")
        #expect(fromEnvironment.projectName == "cloud-project")
        var flags = CredentialFields()
        flags.username = "flag-user"
        let fromFlags = try Credentials.resolve(flags: flags, environment: environment, searchPaths: files.paths)
        #expect(fromFlags.username == "flag-user")
        #expect(fromFlags.regionName == "RegionEnv")
    }

    @Test func cloudFlagBeatsOSCloud() throws {
        let files = try Files()
        defer { files.remove() }
        try files.write("cwd/clouds.yaml", Self.cloudsYAML)
        try files.write("cwd/secure.yaml", Self.secureYAML)
        let credentials = try Credentials.resolve(cloud: "appcred", environment: ["OS_CLOUD": "lab"], searchPaths: files.paths)
        #expect(credentials.resolvedAuthType == .applicationCredential)
        #expect(credentials.applicationCredentialID == "ac-123")
        #expect(credentials.applicationCredentialSecret?.revealed == "secret-from-secure")
    }

    @Test func environmentAloneWithApplicationCredential() throws {
        let files = try Files()
        defer { files.remove() }
        let credentials = try Credentials.resolve(environment: [
            "OS_AUTH_URL": "http://k:5000/v3", "OS_AUTH_TYPE": "v3applicationcredential",
            "OS_APPLICATION_CREDENTIAL_ID": "id-1", "OS_APPLICATION_CREDENTIAL_SECRET": "s3cr3t", "OS_INTERFACE": "admin",
        ], searchPaths: files.paths)
        #expect(credentials.resolvedAuthType == .applicationCredential)
        #expect(credentials.interface == .admin)
        #expect(!credentials.description.contains("s3cr3t"))
    }

    @Test func unknownCloudSaysWhichCloudsExist() throws {
        let files = try Files()
        defer { files.remove() }
        try files.write("cwd/clouds.yaml", Self.cloudsYAML)
        let error = #expect(throws: OpenStackError.self) {
            try Credentials.resolve(cloud: "nope", environment: [:], searchPaths: files.paths)
        }
        #expect(error?.message.contains("cloud \"nope\" not found") == true)
        #expect(error?.message.contains("clouds: appcred, lab") == true)
    }

    @Test func nothingAnywhereSaysWhatToDo() throws {
        let files = try Files()
        defer { files.remove() }
        let error = #expect(throws: OpenStackError.self) { try Credentials.resolve(environment: [:], searchPaths: files.paths) }
        #expect(error?.code == .invalidCredentials)
        #expect(error?.message.contains("OS_AUTH_URL") == true)
    }

    @Test func v3NameWithoutDomainIsRefusedBeforeSending() {
        let credentials = Credentials(authURL: "http://k/v3", username: "u", password: Secret("p"))
        let error = #expect(throws: OpenStackError.self) { try credentials.validate() }
        #expect(error?.message.contains("OS_USER_DOMAIN_NAME") == true)
    }

    @Test(arguments: [
        ("http://k:5000/v2.0", Credentials.IdentityVersion?.none, Credentials.IdentityVersion.v2, "http://k:5000/v2.0/tokens"),
        ("http://k:5000/v2.0/tokens", nil, .v2, "http://k:5000/v2.0/tokens"),
        ("http://k:5000/v3", nil, .v3, "http://k:5000/v3/auth/tokens"),
        ("http://k:5000/v3/", nil, .v3, "http://k:5000/v3/auth/tokens"),
        ("http://k:5000", nil, .v3, "http://k:5000/v3/auth/tokens"),
        ("http://k:5000", .v2, .v2, "http://k:5000/v2.0/tokens"),
        ("http://k:5000/identity", .v3, .v3, "http://k:5000/identity/v3/auth/tokens"),
    ])
    func versionFromURLOrSetting(url: String, setting: Credentials.IdentityVersion?, expected: Credentials.IdentityVersion, tokenURL: String) {
        let credentials = Credentials(authURL: url, identityAPIVersion: setting)
        #expect(credentials.resolvedIdentityVersion == expected)
        #expect(credentials.tokenURL == tokenURL)
    }

    @Test func secretsNeverPrint() {
        let credentials = Credentials(authURL: "http://k/v3", username: "u", password: Secret("hunter2"), userDomainID: "default",
                                      applicationCredentialSecret: Secret("appsecret"))
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in [String(describing: credentials), String(reflecting: credentials), dumped] {
            #expect(!text.contains("hunter2"))
            #expect(!text.contains("appsecret"))
        }
    }
}
