import Foundation
import Hummingbird
import NudgeCore

/// `GET|POST /v1/receipts/{channel}` (SPEC §11): delivery reports from gateways.
///
/// - A Kannel delivery report arrives as a GET (or POST) whose query holds `key`, `status` and `answer`, with the
///   `sig` the `dlr-url` was given when the SMS was sent.
/// - Other gateways POST the generic JSON form of `DeliveryReceipt` (one object or an array).
///
/// A request is accepted with the bearer token, or without it when every receipt carries the valid signature of
/// its message. `delivered` and `failed` (reason `undelivered`) rows go to the dispatch log once per message;
/// intermediate reports change nothing. One receipt answers 200, 404 (no such message on the channel) or 409
/// (not sent yet); an array answers 200 with one result per receipt.
extension API {
    func receipts(_ request: Request, channelName: String) async throws -> Response {
        guard let channel = Channel(rawValue: channelName) else {
            throw APIError(
                .notFound, code: "unknown_channel",
                message: "no channel '\(channelName)'; use one of \(Channel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (receipts, single) = try await parse(request)
        if !BearerAuth<BasicRequestContext>.authorizes(request, token: token) {
            let signed = receipts.allSatisfy { receipt in
                receipt.signature.map { ReceiptSignature.verify($0, key: receipt.key, channel: channel, secret: token) }
                    ?? false
            }
            guard signed else {
                throw APIError(
                    .unauthorized, code: "unauthorized",
                    message: "a valid bearer token, or the receipt's signature (sig) for its message, is required")
            }
        }
        let now = self.now()
        let outcomes = try await database.write { tx in
            try receipts.map { receipt -> ReceiptOutcome in
                guard let message = try tx.message(key: receipt.key), message.channel == channel else {
                    return .unknown
                }
                let history = try tx.recentDispatches(customerID: message.customerID, limit: 500)
                let effect = ReceiptEffect.decide(receipt, message: message, history: history, now: now)
                if case .record(let entry) = effect { try tx.appendLog(entry) }
                return .known(effect)
            }
        }
        for case .known(.record(let entry)) in outcomes { logged(entry) }
        if single, let outcome = outcomes.first {
            return JSONResponse.make(outcome.status, outcome.json(key: receipts[0].key))
        }
        return JSONResponse.make(
            .ok, .map(["results": .list(zip(receipts, outcomes).map { $1.json(key: $0.key) })]))
    }

    /// The receipts of a request, and whether it held exactly one (a Kannel report or a JSON object).
    private func parse(_ request: Request) async throws -> ([DeliveryReceipt], Bool) {
        let data = try await body(request)
        if let query = request.uri.query, !query.isEmpty, data.isEmpty || request.method == .get {
            guard let report = KannelReceipt(query: Substring(query)) else {
                throw APIError(
                    .badRequest, code: "invalid_receipt",
                    message: "a delivery report in the query needs key and a numeric status (Kannel's %d)")
            }
            return ([report.receipt], true)
        }
        guard !data.isEmpty else {
            throw APIError(
                .badRequest, code: "invalid_receipt",
                message: "send a Kannel report in the query, or a JSON receipt {\"key\", \"status\"} in the body")
        }
        switch DeliveryReceipt.parseJSON(Array(data)) {
        case .success(let receipts):
            let single = data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{")
            return (receipts, single)
        case .failure(let errors):
            throw APIError(
                .badRequest, code: "invalid_receipts", message: "the receipts are not valid; nothing was recorded",
                details: errors)
        }
    }
}

/// What became of one receipt.
private enum ReceiptOutcome: Sendable {
    case unknown
    case known(ReceiptEffect)

    var status: HTTPResponse.Status {
        switch self {
        case .unknown: .notFound
        case .known(.notSent): .conflict
        case .known: .ok
        }
    }

    func json(key: String) -> Value {
        var fields: [String: Value] = ["key": .string(key)]
        switch self {
        case .unknown:
            fields["result"] = .string("unknown_message")
        case .known(.record(let entry)):
            fields["result"] = .string("recorded")
            fields["status"] = .string(entry.status.rawValue)
        case .known(.alreadyRecorded):
            fields["result"] = .string("already_recorded")
        case .known(.ignored(let reason)):
            fields["result"] = .string("ignored")
            fields["reason"] = .string(reason)
        case .known(.notSent):
            fields["result"] = .string("not_sent")
        }
        return .map(fields)
    }
}
