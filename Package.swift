// swift-tools-version: 6.3;(experimentalCGen)
// experimentalCGen: the ICUDataFilter build plugin generates a C source (Sources/ICUDataPackaging).
import Foundation
import PackageDescription

// MARK: - Dependencies (every version is one the local package mirror serves)

let packageDependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
]

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let nioCore = Target.Dependency.product(name: "NIOCore", package: "swift-nio")
let nioPosix = Target.Dependency.product(name: "NIOPosix", package: "swift-nio")
let nioConcurrency = Target.Dependency.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
let nioHTTP1 = Target.Dependency.product(name: "NIOHTTP1", package: "swift-nio")
let crypto = Target.Dependency.product(name: "Crypto", package: "swift-crypto")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let metrics = Target.Dependency.product(name: "Metrics", package: "swift-metrics")
let httpClient = Target.Dependency.product(name: "AsyncHTTPClient", package: "async-http-client")
let serviceLifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let unixSignals = Target.Dependency.product(name: "UnixSignals", package: "swift-service-lifecycle")
let prometheus = Target.Dependency.product(name: "Prometheus", package: "swift-prometheus")
let yams = Target.Dependency.product(name: "Yams", package: "Yams")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
// SQLite's C API as GRDB links it: the queue binds its multi-row statements directly.
let grdbSQLite = Target.Dependency.product(name: "GRDBSQLite", package: "GRDB.swift")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")
let mustache = Target.Dependency.product(name: "Mustache", package: "swift-mustache")

// MARK: - Targets
// The arrows point one way: mitten -> MittenCluster / LocalCloud -> the Kits -> packages.

var targets: [Target] = [
    .systemLibrary(
        name: "CLibSSH2",
        pkgConfig: "libssh2",
        providers: [.apt(["libssh2-1-dev"])]
    ),
    // zlib, for gzipping cloud-init user-data that would not fit Nova's limit otherwise.
    .systemLibrary(
        name: "CZlib",
        path: "Sources/CZlib",
        providers: [.apt(["zlib1g-dev"])]
    ),
    // The Swift runtime's global-enqueue hook, linked by name (GlobalExecutor installs
    // NIO's event loops there; NIO's own dlsym lookup cannot see it in a static binary).
    .target(
        name: "CSwiftConcurrencyHook"
    ),
    .target(
        name: "OpenStackKit",
        dependencies: [httpClient, nioCore, nioPosix, nioHTTP1, logging, crypto, yams],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "SwiftStorageKit",
        dependencies: ["OpenStackKit", httpClient, nioCore, nioHTTP1, logging, crypto, yams],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "MittenSSH",
        dependencies: ["CLibSSH2", "MittenProcess", crypto, logging],
        swiftSettings: swiftSettings
    ),
    .target(
        name: "MittenProcess",
        swiftSettings: swiftSettings
    ),
    .target(
        name: "LocalCloud",
        dependencies: ["OpenStackKit", "MittenProcess", hummingbird, nioCore, nioPosix, logging, crypto, yams],
        swiftSettings: swiftSettings
    ),
    // The runtime that runs on every VM: wire protocol, registry, control, shared
    // services, supervisor, task types, configuration, logging, console rendering.
    // It needs no cloud client, so it builds and starts without one.
    .target(
        name: "MittenRuntime",
        dependencies: ["MittenProcess", "CSwiftConcurrencyHook", nioCore, nioPosix, nioConcurrency, nioHTTP1, crypto, logging, metrics, serviceLifecycle, unixSignals, prometheus, yams, grdb, grdbSQLite],
        swiftSettings: swiftSettings
    ),
    // Cluster provisioning on OpenStack: the cluster file, plan, cloud-init rendering,
    // SSH bootstrap, and the VM's boot-time role from the metadata service.
    .target(
        name: "MittenCluster",
        dependencies: ["MittenRuntime", "MittenProcess", "OpenStackKit", "SwiftStorageKit", "MittenSSH", "CZlib", logging, crypto, yams, mustache],
        swiftSettings: swiftSettings
    ),
    // ICU's data as mitten's static binary carries it: only root and English locales, no
    // conversion tables or word dictionaries (~6 MB of the toolchain's ~34 MB; what is
    // kept and why: Sources/ICUDataPackaging/ICUDataSelection.swift). The plugin runs
    // mitten-icu-data on the toolchain's lib_FoundationICU.a and adds the C source it writes.
    .target(
        name: "ICUDataPackaging",
        swiftSettings: swiftSettings
    ),
    .executableTarget(
        name: "mitten-icu-data",
        dependencies: ["ICUDataPackaging"],
        swiftSettings: swiftSettings
    ),
    .plugin(
        name: "ICUDataFilter",
        capability: .buildTool(),
        dependencies: ["mitten-icu-data"]
    ),
    .target(
        name: "MittenICUData",
        plugins: ["ICUDataFilter"]
    ),
    .executableTarget(
        name: "mitten",
        dependencies: ["MittenICUData", "MittenRuntime", "MittenCluster", "MittenProcess", "LocalCloud", "OpenStackKit", "SwiftStorageKit", argumentParser, httpClient, nioCore, nioPosix, logging, serviceLifecycle, unixSignals],
        swiftSettings: swiftSettings,
        // `--static-swift-stdlib` links with `-export-dynamic`, which puts ~50,000 symbols
        // in the dynamic symbol table: 6 MB that every VM fetches, and symbol lookups and
        // pages touched at every start. Nothing looks mitten's symbols up at run time.
        linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(configuration: .release))]
    ),
    .executableTarget(
        name: "mitten-bench",
        dependencies: ["MittenRuntime", "MittenProcess", "OpenStackKit", "SwiftStorageKit", "MittenSSH", argumentParser, nioCore, nioPosix, logging],
        path: "Sources/MittenBenchmarks",
        swiftSettings: swiftSettings
    ),
    // Helpers the test targets share (running programs off the cooperative pool).
    .target(
        name: "MittenTestSupport",
        dependencies: ["MittenProcess"],
        path: "Tests/MittenTestSupport",
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "ICUDataPackagingTests",
        dependencies: ["ICUDataPackaging"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "OpenStackKitTests",
        dependencies: ["OpenStackKit"],
        resources: [.copy("Samples")],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "SwiftStorageKitTests",
        dependencies: ["SwiftStorageKit", "OpenStackKit", "MittenTestSupport", httpClient, nioCore, nioHTTP1, crypto, logging],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "MittenSSHTests",
        dependencies: ["MittenSSH", "MittenTestSupport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "LocalCloudTests",
        dependencies: ["LocalCloud", "OpenStackKit", "MittenTestSupport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "MittenRuntimeTests",
        dependencies: ["MittenRuntime", "MittenTestSupport"],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "MittenClusterTests",
        dependencies: ["MittenCluster", "MittenRuntime", "MittenTestSupport", yams],
        swiftSettings: swiftSettings
    ),
    .testTarget(
        name: "EndToEndTests",
        dependencies: ["MittenRuntime", "MittenTestSupport"],
        swiftSettings: swiftSettings
    ),
]

// MARK: - Partial builds for development
// `MITTEN_ONLY=OpenStackKit,MittenSSH swift test` builds only those targets, the
// targets they depend on, and their test targets. A convenience for working on one
// library without compiling the whole graph; CI and the README never set it.

if let only = ProcessInfo.processInfo.environment["MITTEN_ONLY"], !only.isEmpty {
    let wanted = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    let byName = Dictionary(uniqueKeysWithValues: targets.map { ($0.name, $0) })
    func localDependencies(_ target: Target) -> [String] {
        target.dependencies.compactMap { dependency in
            switch dependency {
            case .targetItem(let name, _): return name
            case .byNameItem(let name, _): return byName[name] == nil ? nil : name
            default: return nil
            }
        }
    }
    var keep = Set<String>()
    var pending = Array(wanted) + wanted.map { $0 + "Tests" }.filter { byName[$0] != nil }
    while let name = pending.popLast() {
        guard keep.insert(name).inserted, let target = byName[name] else { continue }
        pending += localDependencies(target)
        // A plugin and its tool are not dependencies of the target that uses the plugin.
        if name == "MittenICUData" { pending += ["ICUDataFilter", "mitten-icu-data"] }
    }
    targets = targets.filter { keep.contains($0.name) }
}

let productTable: [(name: String, target: String, executable: Bool)] = [
    ("mitten", "mitten", true),
    ("mitten-bench", "mitten-bench", true),
    ("MittenRuntime", "MittenRuntime", false),
    ("MittenCluster", "MittenCluster", false),
    ("OpenStackKit", "OpenStackKit", false),
    ("SwiftStorageKit", "SwiftStorageKit", false),
]
let products: [Product] = productTable
    .filter { entry in targets.contains { $0.name == entry.target } }
    .map { $0.executable ? .executable(name: $0.name, targets: [$0.target]) : .library(name: $0.name, targets: [$0.target]) }

let package = Package(
    name: "mitten",
    platforms: [.macOS(.v15)],
    products: products,
    dependencies: packageDependencies,
    targets: targets,
    swiftLanguageModes: [.v6]
)
