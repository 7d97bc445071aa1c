import ArgumentParser
import Foundation
import NudgeCore
import NudgeFiles

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate the configuration, stages, campaigns and templates.",
        discussion: """
            Reports every problem in every file at once, compiler style (file:line:col: error: …).
            Exit status: 0 when clean or with warnings only, 1 on errors, 78 when the configuration
            itself cannot be loaded.
            """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Campaign files or folders to check (default: the configured campaigns folder).")
    var paths: [String] = []

    @Option(help: "Output format: text or json.")
    var format: CheckFormat = .text

    func run() throws {
        let status = Check.run(
            configPath: global.config, paths: paths, format: format, reader: WorkspaceReader(), output: StandardOutput())
        if status != 0 { throw ExitCode(status) }
    }
}

public enum CheckFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// `nudge check`, callable from tests with any reader and output.
public enum Check {
    public static let configErrorStatus: Int32 = 78

    public static func run(
        configPath: String?, paths: [String], format: CheckFormat, reader: WorkspaceReader, output: CommandOutput
    ) -> Int32 {
        var diagnostics = Diagnostics()
        var summary: [String: Int] = [:]
        let status: Int32
        switch reader.loadConfig(explicit: configPath) {
        case .failed(let found):
            diagnostics.append(contentsOf: found)
            status = configErrorStatus
        case .loaded(let config, let found):
            diagnostics.append(contentsOf: found)
            let files = reader.campaignFiles(config: config, paths: paths)
            let (_, setDiagnostics) = CampaignSetLoader.load(files, config: config)
            diagnostics.append(contentsOf: setDiagnostics)
            summary = [
                "campaigns": files.campaigns.count, "stages": files.stages == nil ? 0 : 1,
                "templates": files.templates.count + files.partials.count,
            ]
            status = diagnostics.hasErrors ? 1 : 0
        }
        summary["errors"] = diagnostics.errorCount
        summary["warnings"] = diagnostics.warningCount
        let sorted = diagnostics.sorted

        switch format {
        case .json:
            output.write(DiagnosticPrinter.json(sorted, summary: summary) + "\n")
        case .text:
            let printer = DiagnosticPrinter(colour: output.isColourTerminal)
            for diagnostic in sorted { output.write(printer.text(diagnostic) + "\n") }
            let counts = DiagnosticPrinter.counts(errors: diagnostics.errorCount, warnings: diagnostics.warningCount)
            if status == configErrorStatus {
                output.write("the configuration cannot be loaded: \(counts)\n")
            } else {
                let checked = [
                    DiagnosticPrinter.plural(summary["campaigns"] ?? 0, "campaign"),
                    summary["stages"] == 1 ? "stages" : nil,
                    DiagnosticPrinter.plural(summary["templates"] ?? 0, "template"),
                ].compactMap { $0 }.joined(separator: ", ")
                output.write("checked \(checked): \(counts)\n")
            }
        }
        return status
    }
}
