/// Formats amounts of money in a locale: `1.250.000 ₫` (vi-VN, VND), `$1,250.00` (en-US, USD).
/// Amounts are rounded half away from zero at the currency's minor unit, from the number's shortest
/// decimal form, so that `1.005` dollars is `$1.01` as a person would expect.
public enum MoneyFormat {
    struct CurrencyInfo {
        var symbol: String
        var fractionDigits: Int
    }

    static let currencies: [String: CurrencyInfo] = [
        "VND": CurrencyInfo(symbol: "₫", fractionDigits: 0),
        "USD": CurrencyInfo(symbol: "$", fractionDigits: 2),
        "EUR": CurrencyInfo(symbol: "€", fractionDigits: 2),
        "GBP": CurrencyInfo(symbol: "£", fractionDigits: 2),
        "JPY": CurrencyInfo(symbol: "¥", fractionDigits: 0),
        "KRW": CurrencyInfo(symbol: "₩", fractionDigits: 0),
        "CNY": CurrencyInfo(symbol: "CN¥", fractionDigits: 2),
        "THB": CurrencyInfo(symbol: "฿", fractionDigits: 2),
        "IDR": CurrencyInfo(symbol: "Rp", fractionDigits: 0),
        "INR": CurrencyInfo(symbol: "₹", fractionDigits: 2),
        "SGD": CurrencyInfo(symbol: "S$", fractionDigits: 2),
        "AUD": CurrencyInfo(symbol: "A$", fractionDigits: 2),
        "CAD": CurrencyInfo(symbol: "CA$", fractionDigits: 2),
    ]

    /// `amount` in `currency` (ISO 4217 code; unknown codes are written as the code with two decimals)
    /// for `locale` (`vi-VN`). Non-finite amounts render as an empty string.
    public static func format(_ amount: Double, currency: String, locale: String) -> String {
        format(amount, currency: currency, conventions: LocaleConventions(locale))
    }

    static func format(_ amount: Double, currency: String, conventions: LocaleConventions) -> String {
        guard amount.isFinite else { return "" }
        let code = currency.uppercased()
        let info = currencies[code] ?? CurrencyInfo(symbol: code, fractionDigits: 2)
        let (whole, fraction) = DecimalDigits.rounded(abs(amount), fractionDigits: info.fractionDigits)
        var number = grouped(whole, separator: conventions.groupingSeparator)
        if !fraction.isEmpty { number += conventions.decimalSeparator + fraction }
        let isNegative = amount < 0 && (whole.contains { $0 != "0" } || fraction.contains { $0 != "0" })
        let sign = isNegative ? "-" : ""
        if conventions.symbolBeforeAmount {
            return sign + info.symbol + number
        }
        return sign + number + " " + info.symbol
    }

    /// `1250000` → `1.250.000`.
    static func grouped(_ digits: String, separator: String) -> String {
        var groups: [Substring] = []
        var end = digits.endIndex
        while end > digits.startIndex {
            let start = digits.index(end, offsetBy: -3, limitedBy: digits.startIndex) ?? digits.startIndex
            groups.insert(digits[start..<end], at: 0)
            end = start
        }
        return groups.joined(separator: separator)
    }
}

/// Decimal rounding on the digits of a number's shortest decimal form, avoiding binary surprises.
enum DecimalDigits {
    /// The whole and fraction digits of a non-negative finite `value` rounded half away from zero to
    /// `fractionDigits` places: `(1249.5, 0)` → `("1250", "")`, `(1.005, 2)` → `("1", "01")`.
    static func rounded(_ value: Double, fractionDigits: Int) -> (whole: String, fraction: String) {
        var (whole, fraction) = plainDigits(value)
        let dropped = fraction.dropFirst(fractionDigits)
        let roundUp = (dropped.first ?? "0") >= "5"
        fraction = String(fraction.prefix(fractionDigits))
        fraction += String(repeating: "0", count: fractionDigits - fraction.count)
        var digits = Array(whole + fraction)
        if roundUp {
            var index = digits.count - 1
            while index >= 0 {
                if digits[index] == "9" {
                    digits[index] = "0"
                    index -= 1
                } else {
                    digits[index] = Character(String(digits[index].wholeNumberValue! + 1))
                    break
                }
            }
            if index < 0 { digits.insert("1", at: 0) }
        }
        let split = digits.count - fractionDigits
        var wholeDigits = String(digits[..<split]).drop { $0 == "0" }
        if wholeDigits.isEmpty { wholeDigits = "0" }
        return (String(wholeDigits), String(digits[split...]))
    }

    /// The digits before and after the point of `value`'s shortest representation, without exponent.
    static func plainDigits(_ value: Double) -> (whole: String, fraction: String) {
        let text = "\(value)"
        guard let exponentIndex = text.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            return (String(parts[0]), fraction == "0" ? "" : fraction)
        }
        let mantissa = text[..<exponentIndex]
        let exponent = Int(text[text.index(after: exponentIndex)...]) ?? 0
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = String(parts[0]) + (parts.count > 1 ? String(parts[1]) : "")
        var point = parts[0].count + exponent
        if point <= 0 {
            digits = String(repeating: "0", count: 1 - point) + digits
            point = 1
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        let whole = digits.prefix(point)
        return (String(whole), String(digits.dropFirst(point)))
    }
}
