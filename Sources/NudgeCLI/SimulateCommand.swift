import ArgumentParser
import Foundation
import NudgeCore
import NudgeStore

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run the campaigns forward on a virtual clock and show what they would send.",
        discussion: """
            Copies the database (the daemon may keep running), then makes the decisions the daemon would make from \
            --from for --days: stage changes that need only time, dated promotions, due steps with their caps, \
            quiet hours, exits and holdouts. Every message is taken as delivered when due; nothing is sent and the \
            real database is not changed. Prints, per day and per campaign, what would be sent and every \
            suppression and deferral by reason. The same database, files and --from always give the same output.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Days to run forward.") var days = 30
    @Option(help: "Start here (YYYY-MM-DD at midnight in the configured zone, or an RFC 3339 time; default now).")
    var from: String?
    @Option(help: "Events (as POST /v1/events takes them, JSON or NDJSON) to add to the copy at the start.")
    var customers: String?
    @Option(help: "Also print this customer's schedule, message by message.") var customer: String?
    @Option(help: "table or json.") var format: Format = .table

    func validate() throws {
        if days < 1 || days > 3660 { throw ValidationError("--days must be between 1 and 3660") }
        if let from, DateArgument.parse(from, zone: .gmt) == nil {
            throw ValidationError("--from takes \(DateArgument.expected), not '\(from)'")
        }
    }

    func run() throws {
        let workspace = try LoadedWorkspace(command: "simulate", configPath: global.config)
        let zone = workspace.config.timezone
        let start: Date
        if let from {
            guard let parsed = DateArgument.parse(from, zone: zone) else {
                throw workspace.failure("--from takes YYYY-MM-DD or an RFC 3339 time, not '\(from)'")
            }
            start = parsed
        } else {
            start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        }
        let end = start + Double(days) * 86_400

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-simulate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copyPath = folder.appendingPathComponent("nudge.sqlite").path
        let store = try copyDatabase(workspace, to: copyPath)
        if let customers { try addEvents(from: customers, to: store, workspace: workspace, at: start) }
        if let customer, try store.read({ try $0.customer(customer) }) == nil {
            throw workspace.failure("no customer '\(customer)' in the database" + (customers.map { " or \($0)" } ?? ""))
        }

        let entries: [DispatchLogEntry]
        do {
            entries = try JourneySimulation(engine: workspace.engine).run(on: store, from: start, to: end)
        } catch let error as SQLiteError {
            throw workspace.failure("the simulation failed: \(error.message)")
        }
        let report = SimulationReport(
            from: start, to: end, zone: zone, summary: SimulationSummary(entries, zone: zone),
            schedule: customer.map { id in entries.filter { $0.customerID == id } })
        let output = StandardOutput()
        switch format {
        case .table: output.write(report.table())
        case .json: output.write(try report.json())
        }
    }

    /// A private copy of the database to run on, or an empty one when there is none yet and events are given.
    private func copyDatabase(_ workspace: LoadedWorkspace, to path: String) throws -> SQLiteStore {
        do {
            if FileManager.default.fileExists(atPath: workspace.databasePath) {
                try SQLiteReader(path: workspace.databasePath).copy(to: path)
            } else if customers == nil {
                throw workspace.failure(
                    "no database at \(workspace.databasePath): nothing to simulate yet (start the daemon and send "
                        + "events, or give --customers FILE)")
            }
            return try SQLiteStore(path: path)
        } catch let error as SQLiteError {
            throw workspace.failure("cannot copy the database: \(error.message)")
        }
    }

    /// Ingests the events in `file` into the copy at `start`, as the API would; every bad record is listed.
    private func addEvents(from file: String, to store: SQLiteStore, workspace: LoadedWorkspace, at start: Date) throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw workspace.failure("cannot read \(file)")
        }
        let type = file.hasSuffix(".ndjson") || file.hasSuffix(".jsonl") ? "application/x-ndjson" : "application/json"
        switch EventBatchParser.parse(data, contentType: type, now: start) {
        case .failure(let error):
            throw workspace.failure("\(file): \(error)")
        case .success(let events):
            _ = try store.write { tx in try workspace.engine.ingest(events, into: tx, now: start) }
        }
    }
}
