/// How a locale writes numbers, money and dates. A small built-in table rather than the platform's locale
/// data, so that a message renders the same on every machine (`vi-VN`: `1.250.000 ₫`, `27/11/2026 10:00`).
struct LocaleConventions: Sendable, Hashable {
    enum DateOrder: Sendable, Hashable {
        /// `27/11/2026`
        case dayMonthYear(separator: Character)
        /// `11/27/2026`
        case monthDayYear
        /// `2026-11-27` or `2026/11/27`
        case yearMonthDay(separator: Character)
    }

    /// `vi`, `en` …
    var language: String
    /// `VN`, `US` … when given.
    var region: String?
    var groupingSeparator: String
    var decimalSeparator: String
    /// Whether a currency symbol goes before the amount (`$1.00`) or after it with a space (`1,00 €`).
    var symbolBeforeAmount: Bool
    var dateOrder: DateOrder
    /// `h:mm AM` rather than `HH:mm`.
    var twelveHourClock: Bool

    /// Reads `vi-VN`, `vi_VN`, `en-us`, `de`; unknown languages get ISO-like conventions.
    init(_ identifier: String) {
        let parts = identifier.split(whereSeparator: { $0 == "-" || $0 == "_" })
        language = parts.first.map { $0.lowercased() } ?? ""
        region = parts.dropFirst().first { $0.count == 2 }.map { $0.uppercased() }

        switch language {
        case "en", "ja", "zh", "ko", "th", "ms", "fil", "he", "hi":
            (groupingSeparator, decimalSeparator) = (",", ".")
        case "fr", "ru", "pl", "cs", "sk", "sv", "nb", "no", "fi", "uk", "hu", "bg":
            (groupingSeparator, decimalSeparator) = ("\u{00A0}", ",")
        default:
            (groupingSeparator, decimalSeparator) = (".", ",")
        }
        symbolBeforeAmount = ["en", "ja", "zh", "ko", "th", "ms", "fil", "he", "hi"].contains(language)

        switch language {
        case "en" where region == "US" || region == nil || region == "PH":
            dateOrder = .monthDayYear
        case "de", "ru", "pl", "cs", "sk", "nb", "no", "fi", "uk", "tr", "da", "ro", "bg":
            dateOrder = .dayMonthYear(separator: ".")
        case "ja", "zh":
            dateOrder = .yearMonthDay(separator: "/")
        case "vi", "en", "fr", "es", "it", "pt", "id", "ms", "th", "el", "nl", "he", "hi", "fil":
            dateOrder = .dayMonthYear(separator: language == "nl" ? "-" : "/")
        default:
            dateOrder = .yearMonthDay(separator: "-")
        }
        twelveHourClock = ["en", "hi", "fil"].contains(language) && region != "GB" && region != "IE"
    }

    /// The currency a price is in when nothing says otherwise.
    var defaultCurrency: String {
        switch (language, region) {
        case (_, "VN"): return "VND"
        case (_, "US"): return "USD"
        case (_, "GB"): return "GBP"
        case (_, "JP"): return "JPY"
        case (_, "KR"): return "KRW"
        case (_, "CN"): return "CNY"
        case (_, "TH"): return "THB"
        case (_, "ID"): return "IDR"
        case (_, "SG"): return "SGD"
        case (_, "AU"): return "AUD"
        case (_, "CA"): return "CAD"
        case (_, "IN"): return "INR"
        case ("en", nil): return "USD"
        case ("ja", nil): return "JPY"
        case ("de", _), ("fr", _), ("es", _), ("it", _), ("nl", _), ("pt", "PT"), ("fi", _), ("el", _): return "EUR"
        default: return "VND"
        }
    }
}
