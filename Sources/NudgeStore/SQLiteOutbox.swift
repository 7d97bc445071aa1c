import Foundation
import NudgeCore

/// The outbox's statements: messages queued, claimed, finished and released, each read whole with its content.
extension SQLiteTransaction {
    /// A message whole: its outbox row (`o`) and its content (`c`).
    private static let messageColumns = """
        o.id, o.key, o.campaign, o.step, o.variant, o.customer_id, o.channel, o.state, o.attempts, o.next_attempt_at,
        o.lease_until, o.created_at, o.is_marketing, c.recipient, c.subject, c.preheader, c.text, c.html, c.title,
        c.url, c.unsubscribe_url, c.recommended_skus, c.offer_expires_at
        FROM outbox o JOIN outbox_content c ON c.message_id = o.id
        """

    private static func readMessage(_ row: Statement) throws -> OutboxMessage {
        let recipientJSON = row.text(13)
        let content = MessageContent(
            subject: row.optionalText(14), preheader: row.optionalText(15), html: row.optionalText(17),
            text: row.text(16), title: row.optionalText(18), url: row.optionalText(19),
            unsubscribeURL: row.optionalText(20), recommendedSKUs: StoredJSON.decodeStrings(row.text(21)),
            offerExpiresAt: row.optionalDate(22))
        return OutboxMessage(
            id: row.int(0), key: row.text(1), campaign: row.text(2), step: row.text(3), variant: row.optionalText(4),
            customerID: row.text(5), channel: Channel(rawValue: row.text(6)) ?? .email,
            recipient: try StoredMessageJSON.recipient(recipientJSON)
                ?? JSONDecoder().decode(Recipient.self, from: Data(recipientJSON.utf8)),
            content: content, state: OutboxMessage.State(rawValue: row.text(7)) ?? .queued,
            attempts: Int(row.int(8)), nextAttemptAt: row.date(9), leaseUntil: row.optionalDate(10),
            createdAt: row.date(11), isMarketing: row.int(12) != 0)
    }

    /// The messages with these ids, in the order given.
    private func messages(ids: [Int64]) throws -> [OutboxMessage] {
        guard !ids.isEmpty else { return [] }
        let found = try db.statement(
            "SELECT \(Self.messageColumns) WHERE o.id IN (SELECT value FROM json_each(?1))"
        ).rows([.text("[" + ids.map(String.init).joined(separator: ",") + "]")], Self.readMessage)
        let byID = Dictionary(found.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    func enqueue(_ message: OutboxMessage) throws -> Int64? {
        try db.statement(
            """
            INSERT OR IGNORE INTO outbox (key, campaign, step, variant, customer_id, channel, state, attempts,
                next_attempt_at, lease_until, created_at, is_marketing)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
            """
        ).run([
            .text(message.key), .text(message.campaign), .text(message.step), .from(message.variant),
            .text(message.customerID), .text(message.channel.rawValue), .text(message.state.rawValue),
            .integer(Int64(message.attempts)), .from(message.nextAttemptAt), .from(message.leaseUntil),
            .from(message.createdAt), .from(message.isMarketing),
        ])
        guard db.changes == 1 else { return nil }
        let id = db.lastInsertRowID
        let content = message.content
        try db.statement(
            """
            INSERT INTO outbox_content (message_id, recipient, subject, preheader, text, html, title, url,
                unsubscribe_url, recommended_skus, offer_expires_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            """
        ).run([
            .integer(id), .text(StoredMessageJSON.encode(message.recipient)),
            .from(content.subject), .from(content.preheader), .text(content.text), .from(content.html),
            .from(content.title), .from(content.url), .from(content.unsubscribeURL),
            .text(StoredJSON.encode(strings: content.recommendedSKUs)), .from(content.offerExpiresAt),
        ])
        return id
    }

    func recommendedSKUs(campaign: String) throws -> [String: [String]] {
        let rows = try db.statement(
            """
            SELECT o.key, c.recommended_skus FROM outbox o JOIN outbox_content c ON c.message_id = o.id
            WHERE o.campaign = ?1 AND c.recommended_skus <> '[]'
            """
        ).rows([.text(campaign)]) { ($0.text(0), StoredJSON.decodeStrings($0.optionalText(1))) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    func message(key: String) throws -> OutboxMessage? {
        try db.statement("SELECT \(Self.messageColumns) WHERE o.key = ?1").first([.text(key)], Self.readMessage)
    }

    func recentMessages(customerID: String, since: Date) throws -> [RecentMessage] {
        try db.statement(
            """
            SELECT campaign, step, channel, created_at FROM outbox
            WHERE customer_id = ?1 AND created_at >= ?2 AND state IN ('queued', 'sending', 'sent')
            ORDER BY created_at, id
            """
        ).rows([.text(customerID), .from(since)]) { row in
            RecentMessage(
                campaign: row.text(0), step: row.text(1), channel: Channel(rawValue: row.text(2)) ?? .email,
                createdAt: row.date(3))
        }
    }

    func claimMessages(channel: Channel, now: Date, leaseUntil: Date, limit: Int) throws -> [OutboxMessage] {
        let claimed = try db.statement(
            """
            UPDATE outbox SET state = 'sending', lease_until = ?3
            WHERE id IN (
                SELECT id FROM outbox WHERE state = 'queued' AND channel = ?1 AND next_attempt_at <= ?2
                ORDER BY next_attempt_at, id LIMIT ?4)
            RETURNING id
            """
        ).rows([.text(channel.rawValue), .from(now), .from(leaseUntil), .integer(Int64(limit))]) { $0.int(0) }
        return try messages(ids: claimed).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
    }

    func finishAttempt(messageID: Int64, state: OutboxMessage.State, attempts: Int, nextAttemptAt: Date?) throws -> Bool
    {
        try db.statement(
            """
            UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_at = COALESCE(?4, next_attempt_at),
                lease_until = NULL
            WHERE id = ?1 AND state = 'sending'
            """
        ).run([.integer(messageID), .text(state.rawValue), .integer(Int64(attempts)), .from(nextAttemptAt)])
        return db.changes == 1
    }

    /// Attempts with the same effect (a batch of messages all sent at their first attempt, say) update their
    /// messages in one statement, the ids passed as one JSON array.
    func finishAttempts(_ attempts: [FinishedAttempt]) throws -> [Bool] {
        var recorded = Set<Int64>()
        var groups: [FinishedAttempt: [Int64]] = [:]
        // A message listed again gets only its first effect, as one call each would give it (the first ends its
        // `sending` state).
        var first = Set<Int64>()
        for attempt in attempts where first.insert(attempt.messageID).inserted {
            var effect = attempt
            effect.messageID = 0
            groups[effect, default: []].append(attempt.messageID)
        }
        for (effect, ids) in groups {
            let updated = try db.statement(
                """
                UPDATE outbox SET state = ?2, attempts = ?3, next_attempt_at = COALESCE(?4, next_attempt_at),
                    lease_until = NULL
                WHERE id IN (SELECT value FROM json_each(?1)) AND state = 'sending'
                RETURNING id
                """
            ).rows([
                .text("[" + ids.map(String.init).joined(separator: ",") + "]"), .text(effect.state.rawValue),
                .integer(Int64(effect.attempts)), .from(effect.nextAttemptAt),
            ]) { $0.int(0) }
            recorded.formUnion(updated)
        }
        var answered = Set<Int64>()
        return attempts.map { recorded.contains($0.messageID) && answered.insert($0.messageID).inserted }
    }

    func releaseExpiredLeases(now: Date) throws -> [OutboxMessage] {
        let released = try db.statement(
            """
            UPDATE outbox SET state = 'queued', lease_until = NULL
            WHERE state = 'sending' AND lease_until < ?1
            RETURNING id
            """
        ).rows([.from(now)]) { $0.int(0) }
        return try messages(ids: released)
    }

    func releaseAllLeases() throws -> [OutboxMessage] {
        let released = try db.statement(
            "UPDATE outbox SET state = 'queued', lease_until = NULL WHERE state = 'sending' RETURNING id"
        ).rows([]) { $0.int(0) }
        return try messages(ids: released.sorted())
    }

    func earliestLeaseEnd() throws -> Date? {
        try db.statement("SELECT MIN(lease_until) FROM outbox WHERE state = 'sending'").first { $0.optionalDate(0) }
            ?? nil
    }

    func earliestMessageDue(channel: Channel) throws -> Date? {
        try db.statement("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued' AND channel = ?1")
            .first([.text(channel.rawValue)]) { $0.optionalDate(0) } ?? nil
    }

    func queuedMessageCount(channel: Channel) throws -> Int {
        try db.statement("SELECT COUNT(*) FROM outbox WHERE state = 'queued' AND channel = ?1")
            .first([.text(channel.rawValue)]) { Int($0.int(0)) } ?? 0
    }

    func earliestMessageDue() throws -> Date? {
        let queued =
            try db.statement("SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'queued'")
            .first { $0.optionalDate(0) } ?? nil
        let leased =
            try db.statement("SELECT MIN(lease_until) FROM outbox WHERE state = 'sending'")
            .first { $0.optionalDate(0) } ?? nil
        return [queued, leased].compactMap { $0 }.min()
    }
}
