import Foundation
import PackagePlugin

/// Links a filtered copy of ICU's data into mitten (`mitten-icu-data`; what is kept:
/// `ICUDataSelection`). It reads the toolchain's static `lib_FoundationICU.a`, beside
/// `swiftc`; a toolchain without one gets no command, and the target links nothing.
@main
struct ICUDataFilter: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let swiftc = try context.tool(named: "swiftc").url.resolvingSymlinksInPath()
        let archive = swiftc.deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "lib/swift_static/linux/lib_FoundationICU.a")
        guard FileManager.default.fileExists(atPath: archive.path) else { return [] }
        let source = context.pluginWorkDirectoryURL.appending(path: "icu_data.c")
        let data = context.pluginWorkDirectoryURL.appending(path: "icu_data.dat")
        return [.buildCommand(
            displayName: "Filtering ICU data for \(target.name)",
            executable: try context.tool(named: "mitten-icu-data").url,
            arguments: [archive.path, source.path, data.path],
            inputFiles: [archive],
            outputFiles: [source]
        )]
    }
}
