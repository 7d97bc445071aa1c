import Foundation
import NudgeCore
import NudgeStore
import Testing

/// `nudge import` with the real binary on a temporary workspace: each kind and format, bad rows, `--strict`, a
/// second run, beside a running daemon, and memory that does not grow with the file.
@Suite(.timeLimit(.minutes(10)))
struct ImportCommandTests {
    func write(_ text: String, _ name: String, in workspace: DaemonProcess) throws -> String {
        let url = workspace.directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func count(_ table: StoreTable, in workspace: DaemonProcess) throws -> Int {
        let store = try SQLiteStore(path: workspace.directory.appendingPathComponent("var/nudge.sqlite").path)
        return try store.read { try $0.count(of: table) }
    }

    func read<T>(_ workspace: DaemonProcess, _ body: (any StoreReader) throws -> T) throws -> T {
        let store = try SQLiteStore(path: workspace.directory.appendingPathComponent("var/nudge.sqlite").path)
        return try store.read(body)
    }

    static let customersCSV =
        "\u{FEFF}" + [
            "id,email,phone,timezone,attributes.name,attributes.country,consent.sms",
            #"lan,lan@example.vn,+84901234567,Asia/Ho_Chi_Minh,"Nguyễn Thị Lan",VN,true"#,
            "minh,not-an-email,,,Minh,VN,",
            #"hoa,hoa@example.vn,,Mars/Olympus,"Hoa, chị",VN,"#,
            #"an,an@example.vn,,,"An ""Bé""",VN,false"#,
        ].joined(separator: "\r\n") + "\r\n"

    @Test func customersFromCSVBadRowsReportedWithTheirLinesAndAReRunStoresNothingTwice() throws {
        let workspace = try DaemonProcess()
        let file = try write(Self.customersCSV, "customers.csv", in: workspace)
        let first = try workspace.command(["import", "customers", file])
        #expect(first.status == 1, "\(first.output)")
        #expect(first.output.contains("customers.csv:3: error: email: "), "\(first.output)")
        #expect(first.output.contains("customers.csv:4: error: timezone: "), "\(first.output)")
        #expect(first.output.contains("read 4, stored 2, duplicates 0, skipped 2"), "\(first.output)")
        let lan = try #require(try read(workspace) { try $0.customer("lan") })
        #expect(lan.attributes["name"] == .string("Nguyễn Thị Lan"))
        #expect(lan.phone == "+84901234567")
        #expect(lan.consent[.sms] == true)
        #expect(try read(workspace) { try $0.customer("an") }?.attributes["name"] == .string("An \"Bé\""))
        #expect(try read(workspace) { try $0.customer("an") }?.stage != nil, "the stage is evaluated as by the API")

        let again = try workspace.command(["import", "customers", file])
        #expect(again.output.contains("read 4, stored 0, duplicates 2, skipped 2"), "\(again.output)")
        #expect(try count(.customers, in: workspace) == 2)
    }

    @Test func strictStoresNothingWhenOneRecordIsBad() throws {
        let workspace = try DaemonProcess()
        let file = try write(Self.customersCSV, "customers.csv", in: workspace)
        let strict = try workspace.command(["import", "customers", file, "--strict"])
        #expect(strict.status == 1)
        #expect(strict.output.contains("customers.csv:3: error: email: "), "\(strict.output)")
        #expect(strict.output.contains("nothing was stored (--strict)"), "\(strict.output)")
        #expect(try count(.customers, in: workspace) == 0)

        let good = try write(
            "id,email\nlan,lan@example.vn\nminh,minh@example.vn\n", "good.csv", in: workspace)
        let stored = try workspace.command(["import", "customers", good, "--strict"])
        #expect(stored.status == 0, "\(stored.output)")
        #expect(try count(.customers, in: workspace) == 2)
    }

    @Test func productsFromNDJSONAndAJSONArray() throws {
        let workspace = try DaemonProcess()
        let ndjson = try write(
            """
            {"sku": "CASE-01", "name": "Ốp lưng trong suốt", "category": "case", "price": 250000, "cost": 90000}

            {"sku": "PHONE-X", "name": "Điện thoại", "category": "phone", "price": "nine"}
            {"sku": "CABLE-1", "name": "Cáp USB-C", "price": 120000, "active": false}
            not json
            """, "products.ndjson", in: workspace)
        let run = try workspace.command(["import", "products", ndjson])
        #expect(run.status == 1)
        #expect(run.output.contains("products.ndjson:3: error: price: "), "\(run.output)")
        #expect(run.output.contains("products.ndjson:5: error: not valid JSON"), "\(run.output)")
        #expect(run.output.contains("read 4, stored 2, duplicates 0, skipped 2"), "\(run.output)")
        #expect(try read(workspace) { try $0.product("CABLE-1") }?.active == false)

        let array = try write(
            #"[{"sku": "CASE-01", "price": 240000}, {"sku": "PHONE-X", "name": "Điện thoại", "price": 9990000}]"#,
            "products.json", in: workspace)
        let update = try workspace.command(["import", "products", array])
        #expect(update.status == 0, "\(update.output)")
        let updated = try #require(try read(workspace) { try $0.product("CASE-01") })
        #expect(updated.price == 240000)
        #expect(updated.name == "Ốp lưng trong suốt", "a partial update keeps the other fields")
        #expect(try count(.products, in: workspace) == 3)
    }

    @Test func eventsFromCSVBesideTheRunningDaemonUpdateFactsAndEnroll() async throws {
        let workspace = try DaemonProcess()
        try workspace.start()
        try await workspace.waitUntilReady()
        let profile = try await workspace.request(
            "PUT", "/v1/customers/lan", body: #"{"email": "lan@example.vn", "attributes": {"country": "VN"}}"#)
        #expect(profile.status == 200)
        let bought = LogTime.format(Date() - 22 * 86_400)
        let file = try write(
            """
            id,type,customer_id,timestamp,properties.order_id,properties.total,properties.items
            e1,purchase,lan,\(bought),A-1001,9990000,"[{""sku"": ""PHONE-X"", ""category"": ""phone"", ""price"": 9990000}]"
            e2,purchase,lan,yesterday,A-1002,1,
            e3,page_view,minh,\(bought),,,

            """, "events.csv", in: workspace)
        let run = try workspace.command(["import", "events", file])
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("events.csv:3: error: timestamp: "), "\(run.output)")
        #expect(run.output.contains("read 3, stored 2, duplicates 0, skipped 1"), "\(run.output)")
        let again = try workspace.command(["import", "events", file])
        #expect(again.output.contains("read 3, stored 0, duplicates 2, skipped 1"), "\(again.output)")

        let customer = try await workspace.request("GET", "/v1/customers/lan")
        #expect(customer.status == 200)
        #expect(customer.text.contains("\"purchase_count\":1") || customer.text.contains("\"purchase_count\": 1"), "\(customer.text)")
        #expect(try read(workspace) { try $0.enrollments(customerID: "lan") }.contains { $0.campaign == "phone-accessories" })
        #expect(workspace.process.isRunning)
        #expect(try await workspace.stop() == 0)
    }

    @Test func usageAndConfigurationErrors() throws {
        let workspace = try DaemonProcess()
        let file = try write("id\n", "customers.txt", in: workspace)
        #expect(try workspace.command(["import", "customers", file]).status == 2)
        #expect(try workspace.command(["import", "shops", file, "--format", "csv"]).status == 2)
        #expect(try workspace.command(["import", "customers", file, "--format", "csv", "--batch", "0"]).status == 2)
        let noHeader = try workspace.command(["import", "products", file, "--format", "csv"])
        #expect(noHeader.status == 1)
        #expect(noHeader.output.contains("no 'sku' column"), "\(noHeader.output)")
        try "listen: [\n".write(to: workspace.directory.appendingPathComponent("nudge.yml"), atomically: true, encoding: .utf8)
        #expect(try workspace.command(["import", "customers", file, "--format", "csv"]).status == 78)
    }

    /// The whole file never sits in memory: ten times the events take about the same peak memory.
    @Test func aHundredThousandEventsFromNDJSONInConstantMemory() async throws {
        // Generating the files and waiting for the imports block: on a thread of their own, not on the few threads
        // of the concurrency pool that the other suites' daemons are polled from.
        try await Self.onItsOwnThread { try measureMemory() }
    }

    func measureMemory() throws {
        let workspace = try DaemonProcess()
        let small = try eventsFile(count: 20_000, in: workspace)
        let large = try eventsFile(count: 100_000, in: workspace)
        let smallPeak = try peakMemory(["import", "events", small], in: workspace)
        #expect(smallPeak.status == 0, "\(smallPeak.output)")
        let largePeak = try peakMemory(["import", "events", large], in: workspace)
        #expect(largePeak.status == 0, "\(largePeak.output)")
        #expect(largePeak.output.contains("read 100000, stored 80000, duplicates 20000, skipped 0"), "\(largePeak.output)")
        #expect(try count(.events, in: workspace) == 100_000)
        print("import peak RSS: 20k events \(smallPeak.kilobytes) kB, 100k events \(largePeak.kilobytes) kB")
        #expect(
            Double(largePeak.kilobytes) < 1.5 * Double(smallPeak.kilobytes) + 8_192,
            "peak RSS grew with the file: \(smallPeak.kilobytes) kB for 20k events, \(largePeak.kilobytes) kB for 100k")
    }

    static func onItsOwnThread(_ work: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }

    /// `count` page views over 5,000 customers (the first 20,000 are the same in every file).
    func eventsFile(count: Int, in workspace: DaemonProcess) throws -> String {
        let path = workspace.directory.appendingPathComponent("events-\(count).ndjson").path
        _ = FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        defer { try? handle.close() }
        let start = Date() - 30 * 86_400
        var chunk = ""
        for index in 0..<count {
            let at = LogTime.format(start + Double(index))
            chunk += #"{"id": "ev-\#(index)", "type": "page_view", "customer_id": "c\#(index % 5_000)", "timestamp": "\#(at)", "properties": {"path": "/p/\#(index % 97)"}}"# + "\n"
            if chunk.utf8.count > 1 << 20 {
                handle.write(Data(chunk.utf8))
                chunk = ""
            }
        }
        handle.write(Data(chunk.utf8))
        return path
    }

    /// Runs a nudge command under `/usr/bin/time -v`; its peak resident set size in kB.
    func peakMemory(_ arguments: [String], in workspace: DaemonProcess) throws -> (
        status: Int32, output: String, kilobytes: Int
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments =
            ["-v", DaemonProcess.binary.path] + arguments + ["--config", workspace.directory.appendingPathComponent("nudge.yml").path]
        process.currentDirectoryURL = workspace.directory
        process.environment = DaemonProcess.baseEnvironment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        let line = output.split(separator: "\n").first { $0.contains("Maximum resident set size") }
        let kilobytes = line.flatMap { Int($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? 0
        #expect(kilobytes > 0, "no peak RSS in:\n\(output)")
        return (process.terminationStatus, output, kilobytes)
    }
}
