import Foundation

/// What a delivery receipt means for a sent message.
public enum ReceiptDecision: Sendable, Hashable {
    /// The phone (or device, or mailbox) has it.
    case delivered
    /// It will not arrive.
    case failed(reason: String)
    /// An intermediate step (buffered, handed on) or an unknown value: no change to the message.
    case ignore(reason: String)
}

/// A gateway's report on one message it accepted (`POST /v1/receipts/{channel}`, SPEC §11): a Kannel delivery
/// report, or the generic JSON form
///
/// ```json
/// {"key": "<message key>", "status": "delivered" | "failed", "reason": "…", "sig": "…"}
/// ```
///
/// (one object or an array of them). `failed` may also be written `undelivered` or `rejected`; `sent`,
/// `accepted`, `queued` and `buffered` are accepted and change nothing. `sig` (`ReceiptSignature`) lets a caller
/// without the bearer token report on the one message it was signed for.
public struct DeliveryReceipt: Sendable, Hashable {
    public var key: String
    public var decision: ReceiptDecision
    public var signature: String?
    /// What the gateway said beyond the status (Kannel's `%A`, the JSON `reason`), for the log.
    public var detail: String?

    public init(key: String, decision: ReceiptDecision, signature: String? = nil, detail: String? = nil) {
        self.key = key
        self.decision = decision
        self.signature = signature
        self.detail = detail
    }

    static let deliveredWords: Set<String> = ["delivered"]
    static let failedWords: Set<String> = ["failed", "undelivered", "rejected"]
    static let pendingWords: Set<String> = ["sent", "accepted", "queued", "buffered"]

    /// The receipts in a generic JSON body, or every problem with it (`index`, `field`, `error`, as for events).
    public static func parseJSON(_ body: [UInt8]) -> Result<[DeliveryReceipt], [RecordError]> {
        let value: Value
        switch JSONText.parse(body) {
        case .success(let parsed): value = parsed
        case .failure(let error):
            return .failure([RecordError(index: 0, field: "", error: "the body is not JSON: \(error)")])
        }
        let records: [Value]
        switch value {
        case .list(let list): records = list
        case .map: records = [value]
        default:
            return .failure([
                RecordError(index: 0, field: "", error: "expected a receipt object or an array of them, found \(value.jsonKind)")
            ])
        }
        if records.isEmpty { return .failure([RecordError(index: 0, field: "", error: "the array holds no receipt")]) }
        var receipts: [DeliveryReceipt] = []
        var errors: [RecordError] = []
        for (index, record) in records.enumerated() {
            switch receipt(record, index: index) {
            case .success(let receipt): receipts.append(receipt)
            case .failure(let problems): errors += problems
            }
        }
        return errors.isEmpty ? .success(receipts) : .failure(errors)
    }

    private static func receipt(_ record: Value, index: Int) -> Result<DeliveryReceipt, [RecordError]> {
        var errors = ErrorCollector(index: index)
        guard case .map(let fields) = record else {
            errors.add("", "expected a receipt object, found \(record.jsonKind)")
            return .failure(errors.list)
        }
        for name in fields.keys.sorted() where !["key", "status", "reason", "sig"].contains(name) {
            errors.add(name, "unknown field; a receipt has key, status, reason and sig")
        }
        func text(_ name: String, required: Bool) -> String? {
            switch fields[name] {
            case .string(let text)? where !text.isEmpty: return text
            case nil, .null?:
                if required { errors.add(name, "is required") }
                return nil
            case let other?:
                errors.add(name, "expected a non-empty string, found \(other.jsonSample)")
                return nil
            }
        }
        let key = text("key", required: true)
        let status = text("status", required: true)
        let reason = text("reason", required: false)
        let signature = text("sig", required: false)
        var decision: ReceiptDecision?
        if let status {
            let word = status.lowercased()
            if deliveredWords.contains(word) {
                decision = .delivered
            } else if failedWords.contains(word) {
                decision = .failed(reason: reason.map { "the gateway reported the message \(word): \($0)" }
                    ?? "the gateway reported the message \(word)")
            } else if pendingWords.contains(word) {
                decision = .ignore(reason: "the gateway reported the message \(word)")
            } else {
                let known = (deliveredWords.union(failedWords).union(pendingWords)).sorted().joined(separator: ", ")
                errors.add("status", "unknown status \(status.debugDescription); use one of \(known)")
            }
        }
        guard errors.isEmpty, let key, let decision else { return .failure(errors.list) }
        return .success(DeliveryReceipt(key: key, decision: decision, signature: signature, detail: reason))
    }
}

/// What a receipt does to the dispatch log, given the message it names and that message's log so far.
public enum ReceiptEffect: Sendable, Hashable {
    /// Append this row (`delivered`, or `failed` with reason `undelivered`).
    case record(DispatchLogEntry)
    /// A final report for the message is in the log already: nothing is written twice.
    case alreadyRecorded
    /// A report that changes nothing (buffered, handed on).
    case ignored(reason: String)
    /// The message has not been handed to any gateway, so nothing can have been delivered.
    case notSent

    /// The decision for `receipt` about `message`, whose dispatch log rows so far are `history` (any order;
    /// rows of other messages are ignored).
    public static func decide(
        _ receipt: DeliveryReceipt, message: OutboxMessage, history: [DispatchLogEntry], now: Date
    ) -> ReceiptEffect {
        if case .ignore(let reason) = receipt.decision { return .ignored(reason: reason) }
        let attempt = message.state == .sending ? message.attempts + 1 : message.attempts
        guard attempt > 0 else { return .notSent }
        let final = history.contains {
            $0.messageKey == message.key
                && ($0.status == .delivered || ($0.status == .failed && $0.reason == undeliveredReason))
        }
        if final { return .alreadyRecorded }
        var entry = DispatchLogEntry(
            at: now, campaign: message.campaign, step: message.step, variant: message.variant,
            customerID: message.customerID, channel: message.channel, status: .delivered, attempt: attempt,
            messageKey: message.key)
        if case .failed(let reason) = receipt.decision {
            entry.status = .failed
            entry.reason = undeliveredReason
            entry.error = reason
        }
        return .record(entry)
    }

    /// The `reason` of a `failed` row written from a receipt: sent, then reported lost.
    public static let undeliveredReason = "undelivered"
}
