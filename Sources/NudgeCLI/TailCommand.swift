import ArgumentParser
import Foundation
import NudgeCore
import NudgeFiles
import NudgeStore

struct TailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tail",
        abstract: "Show the dispatch log: every decision and delivery attempt.",
        discussion: """
            Reads only the database, so it works while the daemon runs. Without --since it shows the last \
            --lines rows; -f keeps following new rows in order, none missed or repeated.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Keep printing new rows as they are written.") var follow = false
    @Option(help: "Only this campaign.") var campaign: String?
    @Option(help: "Only this channel (email, sms, push).") var channel: Channel?
    @Option(help: "Only this status (queued sent delivered deferred suppressed failed retrying dead).")
    var status: DispatchStatus?
    @Option(help: "Only this customer id.") var customer: String?
    @Option(help: "Rows from this long ago (30m, 2h, 7d) or since an RFC 3339 time.") var since: String?
    @Option(name: .shortAndLong, help: "Rows to show when --since is not given.") var lines = 20
    @Flag(help: "One JSON object per row (NDJSON), keys as the dispatch_log columns.") var json = false

    func validate() throws {
        if let since, Tail.parseSince(since, now: Date()) == nil {
            throw ValidationError("--since takes a duration such as 30m, 2h or 7d, or an RFC 3339 time")
        }
        if lines < 0 { throw ValidationError("--lines must be 0 or more") }
    }

    func run() throws {
        let reader = WorkspaceReader()
        guard let dataDirectory = reader.dataDirectory(explicit: global.config) else {
            StandardOutput().writeError("nudge tail: the configuration's data_dir cannot be read: run `nudge check`\n")
            throw ExitCode(78)
        }
        let path = (dataDirectory as NSString).appendingPathComponent("nudge.sqlite")
        let filter = DispatchLogFilter(
            campaign: campaign, channel: channel, status: status, customerID: customer,
            since: since.flatMap { Tail.parseSince($0, now: Date()) })
        let output = StandardOutput()
        do {
            let database = try SQLiteReader(path: path)
            let tail = Tail(
                filter: filter, lines: since == nil ? lines : nil, json: json, colour: output.isColourTerminal)
            var last = try tail.printBacklog(from: database, to: output)
            while follow {
                let printed = try tail.printNew(after: last, from: database, to: output)
                if let seq = printed { last = seq } else { Thread.sleep(forTimeInterval: 0.2) }
            }
        } catch let error as SQLiteError {
            output.writeError("nudge tail: \(error.message)\n")
            throw ExitCode(1)
        }
    }
}

extension Channel: ExpressibleByArgument {}
extension DispatchStatus: ExpressibleByArgument {}

/// Prints dispatch log rows, aligned for people or as NDJSON, following by `seq`.
struct Tail {
    var filter: DispatchLogFilter
    /// How many of the latest rows to show first; nil shows every row that matches (with `since`).
    var lines: Int?
    var json: Bool
    var colour: Bool
    var pageSize = 1000

    /// Prints the rows that exist now; returns the last `seq` seen (rows not matching the filter included).
    func printBacklog(from database: SQLiteReader, to output: CommandOutput) throws -> Int64 {
        let newest = try database.read { try $0.lastDispatchSeq() }
        if let lines {
            let rows = try database.read { [filter] in try $0.lastDispatches(filter: filter, limit: lines) }
            for row in rows where row.seq <= newest { output.write(format(row) + "\n") }
            return newest
        }
        var after: Int64 = 0
        while after < newest {
            let batch = try database.read { [filter, pageSize] in
                try $0.dispatchLog(after: after, filter: filter, limit: pageSize)
            }.filter { $0.seq <= newest }
            guard let last = batch.last?.seq else { break }
            for row in batch { output.write(format(row) + "\n") }
            after = last
        }
        return newest
    }

    /// Prints the matching rows after `seq`; returns the new last `seq` of the log, or nil when it has not grown.
    /// Both are read in one snapshot, so no row is skipped or printed twice.
    func printNew(after seq: Int64, from database: SQLiteReader, to output: CommandOutput) throws -> Int64? {
        let (newest, rows) = try database.read { [filter, pageSize] tx in
            let newest = try tx.lastDispatchSeq()
            return (newest, try tx.dispatchLog(after: seq, filter: filter, limit: pageSize))
        }
        guard newest > seq else { return nil }
        for row in rows where row.seq <= newest { output.write(format(row) + "\n") }
        // A full page may stop short of the newest row: continue from the last one printed.
        return rows.count == pageSize ? rows.last!.seq : newest
    }

    func format(_ row: DispatchLogEntry) -> String {
        json ? DispatchJSON.line(row) : TailLine.format(row, colour: colour)
    }

    /// `30m`, `2h`, `7d` ago, or an RFC 3339 time.
    static func parseSince(_ text: String, now: Date) -> Date? {
        if let duration = DurationText.parse(text) { return now - duration }
        return LogTime.parse(text)
    }
}

/// One aligned line of `nudge tail`.
enum TailLine {
    static func format(_ row: DispatchLogEntry, colour: Bool) -> String {
        var columns = [
            LogTime.format(row.at),
            pad(row.status.rawValue, 10),
            pad(row.channel.rawValue, 5),
            pad("\(row.campaign)/\(row.step)" + (row.variant.map { "[\($0)]" } ?? ""), 40),
            pad(row.customerID, 16),
        ]
        var detail: [String] = []
        if let reason = row.reason { detail.append(reason) }
        if row.attempt > 0 { detail.append("attempt \(row.attempt)") }
        if let latency = row.latencyMilliseconds { detail.append("\(latency)ms") }
        if let provider = row.providerID { detail.append(provider) }
        if let error = row.error { detail.append("error: \(error)") }
        columns.append(detail.joined(separator: "  "))
        if colour, let tint = tint(row.status) {
            columns[1] = tint + columns[1] + "\u{1B}[0m"
        }
        return columns.joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func tint(_ status: DispatchStatus) -> String? {
        switch status {
        case .sent, .delivered: "\u{1B}[32m"
        case .queued: "\u{1B}[36m"
        case .deferred, .retrying: "\u{1B}[33m"
        case .suppressed: "\u{1B}[2m"
        case .failed, .dead: "\u{1B}[1;31m"
        }
    }
}
