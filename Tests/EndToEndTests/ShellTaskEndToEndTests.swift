import Foundation
import MittenTestSupport
import MittenRuntime
import Testing

/// A task type whose workers are shell commands from mitten.yaml: they pop, work and ack
/// through the CLI.
@Suite(.serialized, .timeLimit(.minutes(3)))
struct ShellTaskEndToEndTests {
    @Test func shellWorkersPopWorkAndAck() async throws {
        let harness = try Harness()
        do {
            let control = try await harness.startControl()
            let items = (1...40).map { "word\($0)" }
            #expect(try await harness.run(["queue", "push", "words", "--control", control] + items).status == 0)
            let binDirectory = (harness.binary as NSString).deletingLastPathComponent
            let script = """
            export PATH=\(binDirectory):$PATH; cd "$HOME"
            while true; do
              out=$(mitten queue pop words --wait 1s) || { [ $? -eq 3 ] && [ -e done ] && exit 0; continue; }
              lease=$(printf '%s' "$out" | cut -f1)
              printf '%s' "$out" | cut -f2 | tr a-z A-Z >> "out.$MITTEN_WORKER"
              mitten queue ack words "$lease"
            done
            """
            try harness.writeShellTask("Upcase", script: script)
            _ = try harness.start(["startup", "--type", "Upcase", "--localhost", "--workers", "2", "--control", control,
                                   "--grace", "2", "--log-level", "warning"])
            #expect(try await harness.eventually(120) { (try await harness.queueStats("words", control: control))?.acked == 40 })
            FileManager.default.createFile(atPath: harness.directory + "/done", contents: nil)
            var lines: [String] = []
            for index in 0..<2 {
                let text = (try? String(contentsOfFile: harness.directory + "/out.\(index)", encoding: .utf8)) ?? ""
                lines += text.split(separator: "\n").map(String.init)
            }
            #expect(lines.sorted() == items.map { $0.uppercased() }.sorted())
        } catch {
            await harness.cleanUp()
            throw error
        }
        await harness.cleanUp()
    }
}
