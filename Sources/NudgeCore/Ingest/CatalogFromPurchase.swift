import Foundation

/// What a purchase teaches the catalog: products the shop never sent with `PUT /v1/products/{sku}` are recorded
/// from the items bought, and gaps in known products are filled in.
///
/// A purchase never overwrites what the catalog already knows: an item's price is what that customer paid (a sale,
/// a bundle), while the catalog's price and cost are the shop's. Only missing fields (category, cost) are filled.
public enum CatalogFromPurchase {
    /// The product to save after seeing `item`, or nil when the catalog needs no change. An unknown SKU is recorded
    /// only when the item carries a price (a product needs one); its name defaults to the SKU.
    public static func update(_ existing: Product?, with item: PurchaseItem, currency: String?) -> Product? {
        guard var product = existing else {
            guard let price = item.price else { return nil }
            return Product(
                sku: item.sku, name: item.name ?? item.sku, category: item.category, price: price, cost: item.cost,
                currency: currencyCode(currency) ?? "VND")
        }
        let before = product
        if product.category == nil { product.category = item.category }
        if product.cost == nil { product.cost = item.cost }
        return product == before ? nil : product
    }

    /// The upper-cased ISO 4217 code, when `text` is three letters.
    static func currencyCode(_ text: String?) -> String? {
        guard let code = text?.uppercased(), code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return nil
        }
        return code
    }
}
