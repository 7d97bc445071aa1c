import ArgumentParser
import Foundation
import NudgeCore
import NudgeStore

extension ImportKind: ExpressibleByArgument {}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load customers, products or events from a CSV, NDJSON or JSON file.",
        discussion: """
            Records go through the same checks as the API (PUT /v1/customers/{id}, PUT /v1/products/{sku}, \
            POST /v1/events): events update facts and stages and enroll customers. The file is streamed, \
            --batch records to a transaction, into the database the daemon uses; the daemon may keep running. \
            Bad records are reported with their line and skipped; with --strict nothing is stored unless every \
            record is good. Running the same import again stores nothing twice. Exit status 0 when every record \
            was stored (or already there), 1 when records were skipped or the import failed, 2 on a usage error, \
            78 when the configuration cannot be loaded.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "What the file holds: customers, products or events.") var kind: ImportKind
    @Argument(help: "A .csv (with a header row), .ndjson/.jsonl or .json (an array) file.") var file: String
    @Option(help: "The file's format, when its name does not say (csv, ndjson, json).") var format: String?
    @Option(help: "Records per transaction.") var batch = 500
    @Flag(help: "Store nothing unless every record is good.") var strict = false

    func validate() throws {
        if batch < 1 || batch > 100_000 { throw ValidationError("--batch must be between 1 and 100000") }
        if try resolvedFormat() == nil {
            throw ValidationError("cannot tell the format of \(file): name it .csv, .ndjson or .json, or give --format")
        }
    }

    func resolvedFormat() throws -> ImportFormat? {
        guard let format else { return ImportFormat.of(path: file) }
        guard let chosen = ImportFormat(rawValue: format.lowercased()) else {
            throw ValidationError("--format takes csv, ndjson or json")
        }
        return chosen
    }

    func run() throws {
        let output = StandardOutput()
        guard let format = try resolvedFormat() else { throw ExitCode(2) }
        guard FileManager.default.isReadableFile(atPath: file) else {
            throw LoadedWorkspace.failure("import", "cannot read \(file)")
        }
        let workspace = try LoadedWorkspace(command: "import", configPath: global.config)
        let store: SQLiteStore
        do {
            try FileManager.default.createDirectory(
                atPath: workspace.config.dataDirectory, withIntermediateDirectories: true)
            store = try SQLiteStore(path: workspace.databasePath)
        } catch {
            throw workspace.failure("cannot open the database \(workspace.databasePath): \(error)")
        }
        let totalBytes = ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int) ?? 0
        let run = ImportRun(
            kind: kind, file: file, format: format, strict: strict, output: output,
            importer: Importer(kind: kind, store: store, engine: workspace.engine, batchSize: batch),
            progress: ImportProgress(
                totalBytes: totalBytes, output: output, onTerminal: ImportProgress.standardErrorIsTerminal))
        do {
            if try !run.perform() { throw ExitCode(1) }
        } catch let error as ImportFileError {
            throw workspace.failure("\(file): \(error.description)")
        } catch let error as SQLiteError {
            throw workspace.failure("\(error.message)")
        }
    }
}

/// One `nudge import`: the optional checking pass, the storing pass, the reports and the summary.
struct ImportRun {
    let kind: ImportKind
    let file: String
    let format: ImportFormat
    let strict: Bool
    let output: CommandOutput
    var importer: Importer
    let progress: ImportProgress
    /// Bad records printed in full; the rest are only counted.
    var reportLimit = 1000

    /// Runs the import; true when every record was stored or already there.
    func perform() throws -> Bool {
        let reporter = ProblemReporter(file: file, output: output, progress: progress, limit: reportLimit)
        var importer = importer
        importer.problem = { reporter.report($0) }
        if strict {
            var checking = importer
            checking.progress = { progress.update($0, bytesRead: $1, verb: "checking") }
            var source = try openImportSource(path: file, format: format, kind: kind)
            reporter.locationName = source.locationName
            let checked = try checking.check(&source)
            progress.clear()
            reporter.finish(source.locationName)
            if checked.skipped > 0 {
                output.writeError(
                    "nudge import: \(checked.skipped) of \(checked.read) record(s) are not valid; "
                        + "nothing was stored (--strict)\n")
                return false
            }
        }
        importer.progress = { progress.update($0, bytesRead: $1) }
        var source = try openImportSource(path: file, format: format, kind: kind)
        reporter.locationName = source.locationName
        let tally = try importer.run(&source)
        progress.clear()
        reporter.finish(source.locationName)
        output.write(
            "imported \(kind.rawValue) from \(file): "
                + ImportProgress.summary(tally, elapsed: Date().timeIntervalSince(progress.started)) + "\n")
        return tally.skipped == 0
    }
}

/// Prints bad records compiler style, `FILE:LINE: field: error`, up to a limit.
final class ProblemReporter {
    let file: String
    let output: CommandOutput
    let progress: ImportProgress
    let limit: Int
    var locationName = "line"
    private(set) var count = 0

    init(file: String, output: CommandOutput, progress: ImportProgress, limit: Int) {
        self.file = file
        self.output = output
        self.progress = progress
        self.limit = limit
    }

    func report(_ problem: ImportProblem) {
        count += 1
        guard count <= limit else { return }
        progress.clear()
        let place = locationName == "line" ? "\(file):\(problem.location)" : "\(file): record \(problem.location)"
        for error in problem.errors {
            let field = error.field.isEmpty ? "" : "\(error.field): "
            output.writeError("\(place): error: \(field)\(error.error)\n")
        }
    }

    /// Says how many were not printed, and starts counting again (for the next pass).
    func finish(_ locationName: String) {
        if count > limit { output.writeError("… and \(count - limit) more bad record(s)\n") }
        count = 0
    }
}
