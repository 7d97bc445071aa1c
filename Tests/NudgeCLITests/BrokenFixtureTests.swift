import Foundation
import NudgeCLI
import NudgeFiles
import Testing

/// Every folder under `Fixtures/broken/` is a small workspace (`nudge.yml` optional, `campaigns/`,
/// `templates/`) with `expected.txt`: the exact output of `nudge check` run inside it, then `exit: N`.
@Suite struct BrokenFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/broken")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The environment the fixtures see: one variable, so that interpolation and secret handling are exercised.
    static let environment = ["SMTP_PASSWORD": "hunter2-never-printed", "CREDENTIALS_DIRECTORY": "/nonexistent"]

    @Test func corpusIsLargeEnough() {
        #expect(Self.cases.count >= 30)
    }

    @Test(arguments: cases)
    func diagnosticsMatchGolden(_ name: String) throws {
        let directory = Self.root.appendingPathComponent(name)
        let expected = try String(contentsOf: directory.appendingPathComponent("expected.txt"), encoding: .utf8)
        let output = CapturedOutput()
        let status = Check.run(
            configPath: nil, paths: [], format: .text,
            reader: WorkspaceReader(environment: Self.environment, workingDirectory: directory.path), output: output)
        let actual = output.standard + "exit: \(status)\n"
        #expect(actual == expected, "\(name): got\n\(actual)")
        #expect(!actual.contains("hunter2"), "a secret was printed")
    }
}
