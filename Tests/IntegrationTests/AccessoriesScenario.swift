import Foundation
import NudgeCore
import Testing

extension DaemonEndToEndTests {
    /// Makes the phone-accessories email due now for a new customer in the treatment arm (id `prefix-N`): the
    /// fallback case in the catalog, a profile in a zone where it is 14:00, and a phone bought 22 days ago.
    /// Returns the customer id.
    func customerDueForAccessoriesEmail(_ daemon: DaemonProcess, prefix: String) async throws -> String {
        let customer = treated(prefix, campaign: "phone-accessories", holdout: 0.1)
        let product = try await daemon.request(
            "PUT", "/v1/products/CASE-01",
            body: #"{"name": "Ốp lưng", "category": "case", "price": 250000, "cost": 100000}"#)
        #expect(product.status == 200, "\(product.text)")
        let saved = try await daemon.request(
            "PUT", "/v1/customers/\(customer)", body: profile(name: "Lan", zone: zone(whereItIsNow: 14)))
        #expect(saved.status == 200, "\(saved.text)")
        let ingest = try await daemon.request(
            "POST", "/v1/events", body: purchase("o-\(customer)", customer: customer, at: now - 22 * 86_400))
        #expect(ingest.status == 202, "\(ingest.text)")
        return customer
    }
}
