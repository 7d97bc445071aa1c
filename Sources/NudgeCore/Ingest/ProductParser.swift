import Foundation

/// Reads the body of `PUT /v1/products/{sku}` (SPEC §11) into the product to store.
///
/// A new product needs `name` and `price`; an existing one changes only the given fields. Fields: `name`,
/// `category`, `price` (≥ 0), `cost` (≥ 0), `currency` (three letters, upper-cased; default VND), `url` and
/// `image_url` (absolute http(s) URLs), `active` (default true), and `sku`, which must match the path.
/// `null` clears `category`, `cost`, `url` and `image_url`.
public enum ProductParser {
    public static let fields = ["sku", "name", "category", "price", "cost", "currency", "url", "image_url", "active"]

    /// The product after applying `body` to `existing` (or creating it), or every problem.
    public static func parse(_ body: Data, sku: String, existing: Product?) -> Result<Product, [RecordError]> {
        let object: [String: Value]
        switch SingleRecordBody.object(body, what: "a product") {
        case .failure(let errors): return .failure(errors)
        case .success(let fields): object = fields
        }
        var errors = ErrorCollector(index: 0)
        if let problem = SingleRecordBody.identifierProblem(sku) { errors.add("sku", "the SKU in the path \(problem)") }
        errors.rejectUnknown(object, known: fields, at: "")
        if existing == nil {
            for name in ["name", "price"] where object[name] == nil {
                errors.add(name, "is required for a new product")
            }
        }
        var product = existing ?? Product(sku: sku, name: "", price: 0)
        product.sku = sku
        for (name, value) in object.sorted(by: { $0.key < $1.key }) {
            apply(name, value, to: &product, &errors)
        }
        return errors.isEmpty ? .success(product) : .failure(errors.list)
    }

    private static func apply(_ name: String, _ value: Value, to product: inout Product, _ errors: inout ErrorCollector)
    {
        switch (name, value) {
        case ("sku", _):
            if value != .string(product.sku) {
                errors.add("sku", "must match the SKU in the path, \"\(product.sku)\", found \(value.jsonSample)")
            }
        case ("name", .null), ("price", .null), ("currency", .null), ("active", .null):
            errors.add(name, "cannot be null")
        case ("name", _):
            product.name = errors.string(value, at: "name", maxLength: 500) ?? product.name
        case ("category", .null): product.category = nil
        case ("category", _):
            product.category = errors.string(value, at: "category", maxLength: 200) ?? product.category
        case ("price", _):
            product.price = errors.number(value, at: "price", .atLeastZero) ?? product.price
        case ("cost", .null): product.cost = nil
        case ("cost", _):
            product.cost = errors.number(value, at: "cost", .atLeastZero) ?? product.cost
        case ("currency", _):
            guard let text = errors.string(value, at: "currency") else { return }
            let code = text.uppercased()
            guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                return errors.add(
                    "currency", "must be a three-letter ISO 4217 code such as VND, found \(value.jsonSample)")
            }
            product.currency = code
        case ("url", .null): product.url = nil
        case ("url", _): product.url = webAddress(value, at: "url", &errors) ?? product.url
        case ("image_url", .null): product.imageURL = nil
        case ("image_url", _): product.imageURL = webAddress(value, at: "image_url", &errors) ?? product.imageURL
        case ("active", _):
            product.active = errors.bool(value, at: "active") ?? product.active
        default:
            break
        }
    }

    /// An absolute http(s) address without whitespace; messages link to it, so a relative path would not do.
    private static func webAddress(_ value: Value, at field: String, _ errors: inout ErrorCollector) -> String? {
        guard let text = errors.string(value, at: field, maxLength: 2048) else { return nil }
        let lowered = text.lowercased()
        let schemeLength = lowered.hasPrefix("https://") ? 8 : lowered.hasPrefix("http://") ? 7 : text.count
        guard text.count > schemeLength, !text.contains(where: { $0.isWhitespace }) else {
            errors.add(field, "must be an absolute http(s) URL, found \(value.jsonSample)")
            return nil
        }
        return text
    }
}
