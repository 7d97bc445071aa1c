import Foundation
import NudgeCore
import Testing

@testable import NudgeDaemon

private func outcome(_ index: Int) -> DispatchRecorder.Outcome {
    let message = OutboxMessage(
        key: "campaign/step/c\(index)/email", campaign: "campaign", step: "step", customerID: "c\(index)",
        channel: .email, recipient: Recipient(addresses: ["c\(index)@example.vn"]),
        content: MessageContent(subject: "Chào", text: "Chào"), nextAttemptAt: Date(), createdAt: Date())
    return DispatchRecorder.Outcome(result: .sent(providerID: nil), message: message, latency: 1)
}

@Suite("Outcome mailbox")
struct OutcomeMailboxTests {
    @Test func aWaitingTakeEndsOnlyOnceAsManyOutcomesAsItAskedForHaveCome() async throws {
        let mailbox = OutcomeMailbox()
        let taking = Task { await mailbox.takeAll(atLeast: 3) }
        let deadline = Date() + 30
        while !mailbox.isWaiting, Date() < deadline { await Task.yield() }
        #expect(mailbox.isWaiting)

        mailbox.put(outcome(1))
        mailbox.put(outcome(2))
        #expect(mailbox.isWaiting)
        mailbox.put(outcome(3))
        #expect(!mailbox.isWaiting)
        let taken = await taking.value
        #expect(taken.map(\.message.customerID) == ["c1", "c2", "c3"])
    }

    @Test func outcomesThatCameFirstAreTakenAtOnceAndOnlyOnce() async throws {
        let mailbox = OutcomeMailbox()
        for index in 1...5 { mailbox.put(outcome(index)) }
        let first = await mailbox.takeAll(atLeast: 3)
        #expect(first.count == 5)
        #expect(!mailbox.isWaiting)

        let taking = Task { await mailbox.takeAll() }
        let deadline = Date() + 30
        while !mailbox.isWaiting, Date() < deadline { await Task.yield() }
        #expect(mailbox.isWaiting)
        mailbox.put(outcome(6))
        #expect(await taking.value.map(\.message.customerID) == ["c6"])
    }

    /// Without the hold, this take would wait for ever: only one outcome ever comes.
    @Test(.timeLimit(.minutes(1)))
    func anOutcomeWaitsNoLongerThanTheHoldForOthersToMakeUpTheBatch() async throws {
        let mailbox = OutcomeMailbox()
        let taking = Task { await mailbox.takeAll(atLeast: 5) }
        let deadline = Date() + 30
        while !mailbox.isWaiting, Date() < deadline { await Task.yield() }
        #expect(mailbox.isWaiting)
        let put = Date()
        mailbox.put(outcome(1))
        #expect(mailbox.isWaiting)
        let taken = await taking.value
        #expect(taken.map(\.message.customerID) == ["c1"])
        #expect(Date().timeIntervalSince(put) >= OutcomeMailbox.maximumHold - 0.01)
    }
}
