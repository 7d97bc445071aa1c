import Foundation
import NudgeCore
import Testing

/// The outbox in both stores: every field of a message comes back as it went in, through each way of reading it.
@Suite("Outbox conformance")
struct OutboxConformanceTests {
    @Test(arguments: StoreKind.allCases)
    func everyMessageIsReadBackWhole(kind: StoreKind) throws {
        let store = try kind.make()
        var random = SystemRandomNumberGenerator()
        let texts = ["", "Chào \"Lan\"\n\t\u{01}/\\", "https://shop.example/u/abc?x=1&y=2", "😀 ₫ Ố", "<p>a</p>"]
        func maybe() -> String? { Bool.random(using: &random) ? texts.randomElement(using: &random)! : nil }
        let messages = (0..<200).map { index in
            OutboxMessage(
                key: "k\(index)", campaign: "weekend", step: "offer", customerID: "c1", channel: .email,
                recipient: Recipient(
                    addresses: (0..<Int.random(in: 1..<3, using: &random)).map { "a\($0)@b.vn" }, name: maybe()),
                content: MessageContent(
                    subject: maybe(), preheader: maybe(), html: maybe(), text: texts.randomElement(using: &random)!,
                    title: maybe(), url: maybe(), unsubscribeURL: maybe(),
                    recommendedSKUs: (0..<Int.random(in: 0..<3, using: &random)).map { "SKU-\($0)" },
                    offerExpiresAt: Bool.random(using: &random)
                        ? Date(timeIntervalSince1970: Double(Int.random(in: 1_700_000_000..<1_900_000_000))) : nil),
                nextAttemptAt: Date(timeIntervalSince1970: Double(100 + index)),
                createdAt: Date(timeIntervalSince1970: 50), isMarketing: true)
        }
        let ids = try store.write { tx in
            try tx.saveCustomer(Customer(id: "c1", createdAt: Date(timeIntervalSince1970: 0)))
            return try messages.map { try tx.enqueue($0) } + [try tx.enqueue(messages[0])]
        }
        #expect(ids.dropLast().allSatisfy { $0 != nil } && ids.last! == nil)
        for (message, id) in zip(messages, ids) {
            let stored = try #require(try store.read { try $0.message(key: message.key) })
            #expect(stored.content == message.content && stored.recipient == message.recipient)
            #expect(stored.id == id)
        }
        let recommended = messages.filter { !$0.content.recommendedSKUs.isEmpty }
            .map { ($0.key, $0.content.recommendedSKUs) }
        let stored = try store.read { try $0.recommendedSKUs(campaign: "weekend") }
        #expect(stored == Dictionary(uniqueKeysWithValues: recommended))
        let claimed = try store.write {
            try $0.claimMessages(
                channel: .email, now: Date(timeIntervalSince1970: 1000),
                leaseUntil: Date(timeIntervalSince1970: 2000), limit: 500)
        }
        #expect(claimed.map(\.key) == messages.map(\.key))
        #expect(claimed.map(\.content) == messages.map(\.content))
        let released = try store.write { try $0.releaseAllLeases() }
        #expect(released.map(\.content) == messages.map(\.content))
    }
}
