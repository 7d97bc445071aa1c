import Foundation
import Hummingbird
import NudgeCore

/// `GET /v1/reports?campaign=…&since=…` (SPEC §11): the same JSON as `nudge report --format json`.
///
/// `since` is a date (midnight in the configured zone) or an RFC 3339 time: 400 when it is neither. An unknown
/// `campaign` (not loaded and never enrolled anyone) is 404.
extension API {
    func reports(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        let engine = runtime.engine
        let since = try Self.reportSince(query["since"].map(String.init), zone: engine.policy.defaultZone)
        let only = query["campaign"].map(String.init)
        let campaigns = engine.campaigns
        let now = self.now()
        let read: @Sendable (any StoreReader) throws -> CampaignsReport? = { store in
            try ReportReader.report(campaigns: campaigns, only: only, since: since, now: now, in: store)
        }
        let found: CampaignsReport?
        if let reportDatabase {
            found = try await reportDatabase.read(read)
        } else {
            found = try await database.read(read)
        }
        guard let report = found else {
            throw APIError(.notFound, code: "not_found", message: "no campaign '\(only ?? "")'")
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: ReportJSON.text(report))))
    }

    static func reportSince(_ text: String?, zone: TimeZone) throws -> Date? {
        guard let text else { return nil }
        guard let since = DateArgument.parse(text, zone: zone) else {
            throw APIError(
                .badRequest, code: "invalid_since", message: "since takes \(DateArgument.expected), found '\(text)'")
        }
        return since
    }
}
