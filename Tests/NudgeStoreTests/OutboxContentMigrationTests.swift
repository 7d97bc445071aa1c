import Foundation
import NudgeCore
import Testing

@testable import NudgeStore

/// Migration 8 moves each message's recipient and content out of the outbox row, into `outbox_content`.
@Suite struct OutboxContentMigrationTests {
    static let email = MessageContent(
        subject: "Ưu đãi cuối tuần", html: "<p>Ốp lưng \"chính hãng\"</p>\n", text: "Ốp lưng chính hãng\n",
        unsubscribeURL: "https://shop.example.vn/u/1", recommendedSKUs: ["CASE-1", "GLASS-2"],
        offerExpiresAt: Date(timeIntervalSince1970: 1_795_000_000))
    static let sms = MessageContent(text: "Nâng cấp gói: giảm 20%")

    @Test func aVersionSevenOutboxKeepsEveryMessage() throws {
        try withScratchDatabase { path in
            let old = try SQLiteConnection(path: path)
            try Migrations.apply(to: old, upTo: 7)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            func json(_ value: some Encodable) throws -> SQLValue {
                .text(String(decoding: try encoder.encode(value), as: UTF8.self))
            }
            try old.execute(
                """
                INSERT INTO customers (id, created_at, updated_at) VALUES ('c1', 0, 0), ('c2', 0, 0);
                INSERT INTO customer_facts (customer_id) VALUES ('c1'), ('c2');
                """)
            let insert = """
                INSERT INTO outbox (key, campaign, step, customer_id, channel, recipient, content, state,
                    next_attempt_at, created_at, is_marketing)
                VALUES (?1, 'weekend', 'offer', ?2, ?3, ?4, ?5, ?6, 100, 50, 1)
                """
            try old.statement(text: insert).run([
                .text("k-email"), .text("c1"), .text("email"),
                try json(Recipient(addresses: ["khach@example.vn"], name: "Khách Hàng")), try json(Self.email),
                .text("queued"),
            ])
            try old.statement(text: insert).run([
                .text("k-sms"), .text("c2"), .text("sms"), try json(Recipient(addresses: ["+84901234567"])),
                try json(Self.sms), .text("sent"),
            ])

            let store = try SQLiteStore(path: path)

            let check = try SQLiteConnection(path: path)
            let version = try check.statement(text: "PRAGMA user_version").first { Int($0.int(0)) }
            #expect(version == Migrations.all.last?.version)
            #expect(try check.statement(text: "PRAGMA integrity_check").first { $0.text(0) } == "ok")
            #expect(try check.statement(text: "PRAGMA foreign_key_check").rows { $0.text(0) }.isEmpty)
            let columns = try check.statement(text: "PRAGMA table_info(outbox)").rows { $0.text(1) }
            #expect(!columns.contains("recipient") && !columns.contains("content"), "\(columns)")

            let email = try #require(try store.read { try $0.message(key: "k-email") })
            #expect(email.content == Self.email)
            #expect(email.recipient == Recipient(addresses: ["khach@example.vn"], name: "Khách Hàng"))
            #expect(email.state == .queued && email.channel == .email && email.isMarketing)
            let sms = try #require(try store.read { try $0.message(key: "k-sms") })
            #expect(sms.content == Self.sms && sms.recipient == Recipient(addresses: ["+84901234567"]))
            #expect(sms.state == .sent)

            let claimed = try store.write {
                try $0.claimMessages(
                    channel: .email, now: Date(timeIntervalSince1970: 200),
                    leaseUntil: Date(timeIntervalSince1970: 900), limit: 10)
            }
            #expect(claimed.map(\.key) == ["k-email"])
            #expect(claimed.first?.content == Self.email)
            let recommended = try store.read { try $0.recommendedSKUs(campaign: "weekend") }
            #expect(recommended == ["k-email": ["CASE-1", "GLASS-2"]])
        }
    }
}
