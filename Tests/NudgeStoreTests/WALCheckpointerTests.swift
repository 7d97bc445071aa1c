import Foundation
import NudgeCore
import NudgeTesting
import Testing

@testable import NudgeStore

/// The write-ahead log is copied into the database beside the writer, and still starts again from its beginning.
@Suite struct WALCheckpointerTests {
    @Test func checkpointsBesideTheWriterKeepTheLogShort() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-wal-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nudge.sqlite").path
        var random = SplitMix64(seed: 7)
        let transactions = 4000
        do {
            // No ceiling: only the background checkpoints, and the writer's short pass after them, bound the log.
            let store = try SQLiteStore(path: path, checkpointAt: 64, ceiling: .max)
            for round in 0..<transactions {
                let products = (0..<4).map { index in
                    Product(sku: "SKU-\(random.next() % 1_000_000_000)-\(round)-\(index)", name: "Ốp lưng", price: 1)
                }
                try store.write { tx in try products.forEach(tx.saveProduct) }
            }
            // Every commit appends at least one 4 KiB page: without checkpoints the log would reach 16 MiB.
            let logBytes = try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int ?? 0
            let passes = store.checkpointer.completedPasses
            let restarts = store.checkpointer.logRestarts
            #expect(passes > 1)
            #expect(restarts > 1, "the log grew to \(logBytes) bytes, \(passes) checkpoints, \(restarts) restarts")
        }
        let reopened = try SQLiteStore(path: path)
        #expect(try reopened.read { try $0.count(of: .products) } == transactions * 4)
        let connection = try SQLiteConnection(path: path)
        #expect(try connection.statement(text: "PRAGMA integrity_check").first { $0.text(0) } == "ok")
    }

    @Test func aReaderHoldingAnOldSnapshotDelaysTheRestartButNeverTheWriter() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-wal-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nudge.sqlite").path
        let store = try SQLiteStore(path: path, checkpointAt: 32, ceiling: 128)
        func write(_ round: Int) throws {
            let products = (0..<4).map { Product(sku: "SKU-\(round)-\($0)", name: "Cáp sạc", price: 1) }
            try store.write { tx in try products.forEach(tx.saveProduct) }
        }
        try write(0)

        // `nudge tail` in the middle of a read: its snapshot must stay readable, so no checkpoint may pass it.
        let reader = try SQLiteConnection(path: path, readOnly: true)
        try reader.execute("BEGIN")
        #expect(try reader.statement(text: "SELECT COUNT(*) FROM products").first { $0.int(0) } == 4)
        let restartsBefore = store.checkpointer.logRestarts
        for round in 1...600 { try write(round) }
        #expect(store.checkpointer.logRestarts == restartsBefore)
        #expect(try reader.statement(text: "SELECT COUNT(*) FROM products").first { $0.int(0) } == 4)
        try reader.execute("COMMIT")

        // Once the reader is done, the log starts again from its beginning.
        var round = 600
        try await Polling.until(10, "the log to start again once the reader is done") {
            round += 1
            try write(round)
            return store.checkpointer.logRestarts > restartsBefore
        }
        #expect(try store.read { try $0.count(of: .products) } == (round + 1) * 4)
    }
}
