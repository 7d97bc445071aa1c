import Foundation
import NudgeCore
import NudgeStore

/// The unsubscribe-link key as the daemon uses it: configured, or the one it generated into the data folder.
enum PreviewSecrets {
    static func unsubscribe(_ config: Config) -> String? {
        if let secret = config.unsubscribe.secret?.value, !secret.isEmpty { return secret }
        let path = (config.dataDirectory as NSString).appendingPathComponent("unsubscribe-secret")
        let text = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return text?.isEmpty == false ? text : nil
    }
}

/// The catalog a sample preview recommends from: the database's when there is one, else a temporary one holding
/// a sample product for each SKU the step names (`fixed` and `fallback`).
enum PreviewCatalog {
    static func withCatalog<T>(
        at databasePath: String, sampleFor rule: Recommendation?, _ body: (any StoreReader) throws -> T
    ) throws -> T {
        if FileManager.default.fileExists(atPath: databasePath) {
            return try SQLiteReader(path: databasePath).read(body)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("nudge-preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteStore(path: folder.appendingPathComponent("catalog.sqlite").path)
        if let rule {
            try store.write { tx in
                for sku in rule.skus + rule.fallback {
                    try tx.saveProduct(
                        Product(
                            sku: sku, name: "Sản phẩm mẫu \(sku)", category: rule.categories.first, price: 250_000,
                            cost: 100_000))
                }
            }
        }
        return try store.read(body)
    }
}
