import Foundation
import Logging
import NudgeCore
import NudgeStore
import NudgeTesting
import Testing

@testable import NudgeDaemon

@Suite("Data directory lock and restart after a crash")
struct DataDirectoryLockTests {
    private func temporaryDirectory() throws -> String {
        try ScratchDirectory.make("lock").path
    }

    @Test func aSecondDaemonOnTheSameDataDirectoryIsRefusedUntilTheFirstIsGone() throws {
        let directory = try temporaryDirectory()
        var first: DataDirectoryLock? = try DataDirectoryLock(directory: directory)
        #expect(first?.path == directory + "/nudge.lock")
        do {
            _ = try DataDirectoryLock(directory: directory)
            Issue.record("a second lock on \(directory) was granted")
        } catch {
            #expect(
                "\(error)"
                    == "another nudge (pid \(getpid())) is running on the data directory \(directory); one daemon per database"
            )
        }
        first = nil
        // The kernel frees the lock with its descriptor, as it does when a killed process's descriptors close.
        #expect(throws: Never.self) { _ = try DataDirectoryLock(directory: directory) }
    }

    @Test func atStartMessagesLeftSendingGoBackToTheQueueAtOnce() throws {
        let directory = try temporaryDirectory()
        let store = try SQLiteStore(path: directory + "/nudge.sqlite")
        let now = Date()
        try store.write { tx in
            try tx.saveCustomer(Customer(id: "c1", email: "lan@example.vn", createdAt: now))
            for index in 0..<3 {
                _ = try tx.enqueue(
                    OutboxMessage(
                        key: "campaign/step/c1/\(index)", campaign: "campaign", step: "step", customerID: "c1",
                        channel: .email, recipient: Recipient(addresses: ["lan@example.vn"]),
                        content: MessageContent(subject: "Chào", text: "Chào chị Lan"), nextAttemptAt: now,
                        createdAt: now))
            }
            // A previous daemon claimed two with a lease an hour long, then died.
            _ = try tx.claimMessages(channel: .email, now: now, leaseUntil: now + 3600, limit: 2)
        }
        try Daemon.requeueInterruptedSends(
            store: store, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let due = try store.write { try $0.claimMessages(channel: .email, now: now, leaseUntil: now + 60, limit: 10) }
        #expect(due.map(\.key) == ["campaign/step/c1/0", "campaign/step/c1/1", "campaign/step/c1/2"])
    }
}
