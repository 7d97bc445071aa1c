import ArgumentParser
import Foundation
import NudgeCore
import NudgeStore

/// `nudge report`: each campaign measured against its holdout (SPEC §10).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Measure campaigns against their holdouts: conversions, lift, revenue, AOV, UPT, cross-sell.",
        discussion: """
            Per campaign, step and A/B variant: enrollments per arm, messages sent, delivered, failed and \
            suppressed by reason, conversions and conversion rate per arm, absolute and relative lift with a 95% \
            confidence interval and the two-proportion z-test's p-value, attributed revenue and margin, average \
            order value, units per transaction, revenue per recipient and cross-sell rate. A conversion is the \
            campaign's goal event within its `within` after the latest step that reached the customer. Reads only \
            the database, so it works while the daemon runs. `--format json` prints what GET /v1/reports serves.
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case table, json, csv
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only this campaign.") var campaign: String?
    @Option(help: "Only enrollments from here on (YYYY-MM-DD at midnight in the configured zone, or RFC 3339).")
    var since: String?
    @Option(help: "table, json or csv.") var format: Format = .table

    func validate() throws {
        if let since, DateArgument.parse(since, zone: .gmt) == nil {
            throw ValidationError("--since takes \(DateArgument.expected), not '\(since)'")
        }
    }

    func run() throws {
        let workspace = try LoadedWorkspace(command: "report", configPath: global.config)
        var start: Date?
        if let since {
            guard let parsed = DateArgument.parse(since, zone: workspace.config.timezone) else {
                throw workspace.failure("--since takes \(DateArgument.expected), not '\(since)'")
            }
            start = parsed
        }
        let database: SQLiteReader
        do {
            database = try SQLiteReader(path: workspace.databasePath)
        } catch {
            throw workspace.failure(
                "no database at \(workspace.databasePath): nothing to report yet (start the daemon with `nudge run`)")
        }
        let now = Date()
        let found: CampaignsReport?
        do {
            found = try database.read { store in
                try ReportReader.report(campaigns: workspace.set, only: campaign, since: start, now: now, in: store)
            }
        } catch let error as SQLiteError {
            throw workspace.failure("cannot read the database: \(error.message)")
        }
        guard let report = found else {
            throw workspace.failure("no campaign '\(campaign ?? "")': it is not loaded and has no enrollments")
        }
        let output = StandardOutput()
        switch format {
        case .json: output.write(ReportJSON.text(report))
        case .csv: output.write(ReportCSV.text(report))
        case .table: output.write(ReportTable(report: report, zone: workspace.config.timezone).text())
        }
    }
}
