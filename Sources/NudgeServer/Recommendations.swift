import Foundation
import Hummingbird
import NudgeCore

/// `GET /v1/customers/{id}/recommendations?limit=3&category=…` (SPEC §11), for checkout pages: products bought by
/// the customers who bought what this customer bought, best first, without what they own or what is inactive.
///
/// `limit` is 1–50 (default 3); `category` restricts the answer to some categories (repeat it, or separate them
/// with commas). 404 for an unknown customer, 400 for a bad limit.
extension API {
    func recommendations(_ request: Request, customerID: String) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try Self.recommendationLimit(query["limit"].map(String.init))
        let categories = query[values: "category"].flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let found = try await database.read { tx -> [RankedProduct]? in
            guard let customer = try tx.customer(customerID) else { return nil }
            return try CheckoutRecommendations.recommend(for: customer, categories: categories, limit: limit, in: tx)
        }
        guard let found else { throw APIError(.notFound, code: "not_found", message: "no customer '\(customerID)'") }
        return JSONResponse.make(
            .ok,
            .map([
                "customer_id": .string(customerID),
                "recommendations": .list(found.map(Self.recommendation)),
            ]))
    }

    static func recommendationLimit(_ text: String?) throws -> Int {
        guard let text else { return 3 }
        guard let limit = Int(text), (1...CheckoutRecommendations.maxLimit).contains(limit) else {
            throw APIError(
                .badRequest, code: "invalid_limit",
                message: "limit must be a whole number from 1 to \(CheckoutRecommendations.maxLimit), found '\(text)'")
        }
        return limit
    }

    /// A product as a checkout page shows it, with the statistics behind the suggestion. The cost stays private.
    static func recommendation(_ ranked: RankedProduct) -> Value {
        let p = ranked.product
        var fields: [String: Value] = [
            "sku": .string(p.sku), "name": .string(p.name), "category": p.category.map(Value.string) ?? .null,
            "price": .number(p.price), "currency": .string(p.currency), "url": p.url.map(Value.string) ?? .null,
            "image_url": p.imageURL.map(Value.string) ?? .null,
        ]
        if let score = ranked.score {
            fields["confidence"] = .number(score.confidence)
            fields["lift"] = .number(score.lift)
            fields["support"] = .number(Double(score.support))
            fields["because_of"] = .string(score.source)
        }
        return .map(fields)
    }
}
