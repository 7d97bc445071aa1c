import ArgumentParser
import Foundation
import NudgeCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: $NUDGE_CONFIG, then ./nudge.yml, then built-in defaults).")
    var config: String?
}

/// The `nudge` command line.
public struct NudgeCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "nudge",
        abstract: "Self-hosted campaign orchestrator for cross-sell, upsell and win-back.",
        version: NudgeVersion.text,
        subcommands: [
            RunCommand.self, CheckCommand.self, PreviewCommand.self, SimulateCommand.self, SendTestCommand.self,
            TailCommand.self, ImportCommand.self, ReportCommand.self,
            VersionCommand.self,
        ])

    public init() {}

    /// Runs the command line and exits: 0 ok, 1 failure, 2 usage, 78 configuration error.
    public static func runMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                let stream = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                stream.write(Data((message + "\n").utf8))
            }
            // ArgumentParser uses EX_USAGE (64) for usage errors; nudge promises 2.
            Foundation.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version.")

    func run() throws {
        print("nudge \(NudgeVersion.text)")
    }
}

enum NudgeVersion {
    static let text = "0.3.0"
}
