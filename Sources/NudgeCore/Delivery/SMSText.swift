import Foundation

/// The two ways an SMS text travels.
public enum SMSEncoding: String, Sendable, Hashable, CustomStringConvertible {
    /// The GSM 03.38 7-bit alphabet: 160 septets in one part, 153 a part when concatenated.
    case gsm7 = "GSM-7"
    /// UTF-16: 70 code units in one part, 67 a part when concatenated.
    case ucs2 = "UCS-2"

    /// Units (septets or UTF-16 code units) one unconcatenated SMS holds.
    public var singlePartLimit: Int { self == .gsm7 ? 160 : 70 }
    /// Units each part of a concatenated SMS holds (the rest carries the header that joins the parts).
    public var concatenatedPartLimit: Int { self == .gsm7 ? 153 : 67 }

    public var description: String { rawValue }
}

/// An SMS text ready to send: its final form, its encoding and how many parts it takes.
///
/// The text is normalised to NFC (so a decomposed "é" is the one GSM-7 character it looks like, and Vietnamese
/// takes half the UCS-2 units), and stripped of Vietnamese diacritics when the channel asks for it. It is GSM-7
/// when every character is in the default alphabet or its extension table, UCS-2 otherwise. Send `text`, not
/// the original: the counts are for it.
public struct SMSText: Sendable, Hashable {
    /// What to send.
    public let text: String
    public let encoding: SMSEncoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    public let length: Int
    /// How many SMS the text takes; 1 for a text within the single-part limit.
    public let parts: Int
    /// The first character that keeps the text out of GSM-7; nil for GSM-7.
    public let firstNonGSM: Unicode.Scalar?
    /// Units in each part, in order; their sum is the number of Unicode scalars of `text`.
    let partScalarCounts: [Int]

    public init(_ text: String, stripDiacritics: Bool = false) {
        let final = stripDiacritics ? VietnameseDiacritics.strip(text) : text.precomposedStringWithCanonicalMapping
        let blocker = GSM7Alphabet.firstUnencodable(in: final)
        let encoding: SMSEncoding = blocker == nil ? .gsm7 : .ucs2
        let widths: [Int] = final.unicodeScalars.map { scalar in
            switch encoding {
            case .gsm7: GSM7Alphabet.septets(scalar) ?? 1
            case .ucs2: UTF16.width(scalar)  // 2 for a surrogate pair
            }
        }
        self.text = final
        self.encoding = encoding
        self.firstNonGSM = blocker
        self.length = widths.reduce(0, +)
        self.partScalarCounts = SMSSegmenter.partSizes(
            widths: widths, singleLimit: encoding.singlePartLimit, concatenatedLimit: encoding.concatenatedPartLimit)
        self.parts = partScalarCounts.count
    }

    /// The text as it is cut into parts (an extension character or a surrogate pair is never cut in two).
    public var partTexts: [String] {
        let scalars = text.unicodeScalars
        var result: [String] = []
        var start = scalars.startIndex
        for count in partScalarCounts {
            let end = scalars.index(start, offsetBy: count)
            result.append(String(scalars[start..<end]))
            start = end
        }
        return result
    }

    /// This text, or why a channel allowing at most `maxParts` parts must not send it. Gateways such as Kannel
    /// cut a longer text silently and still report success, so it is refused here instead.
    public func checked(maxParts: Int) throws(SMSRefusal) -> SMSText {
        if text.isEmpty { throw .empty }
        guard parts <= maxParts else {
            throw .tooManyParts(
                needed: parts, allowed: maxParts, encoding: encoding, characters: text.count, length: length,
                cause: firstNonGSM)
        }
        return self
    }

    /// The text to send for `text` on a channel with these settings, or why it must not be sent.
    public static func prepare(_ text: String, stripDiacritics: Bool, maxParts: Int) throws(SMSRefusal) -> SMSText {
        try SMSText(text, stripDiacritics: stripDiacritics).checked(maxParts: maxParts)
    }
}

/// Why an SMS text is not sent. The reasons are permanent: sending again would not help.
public enum SMSRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Nothing to send.
    case empty
    /// The text needs more parts than the channel's `max_parts`.
    case tooManyParts(
        needed: Int, allowed: Int, encoding: SMSEncoding, characters: Int, length: Int, cause: Unicode.Scalar?)

    public var description: String {
        switch self {
        case .empty:
            return "the SMS text is empty"
        case .tooManyParts(let needed, let allowed, let encoding, let characters, let length, let cause):
            var detail = "\(encoding)"
            if let cause { detail += " because of \(Self.show(cause))" }
            detail += ", \(characters) characters"
            if length != characters { detail += ", \(length) \(encoding == .gsm7 ? "septets" : "UTF-16 units")" }
            return "the text needs \(needed) SMS parts (\(detail)) but the channel allows at most \(allowed)"
        }
    }

    /// A character as a person can read it in a log line: quoted when visible, as a code point otherwise.
    static func show(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        let properties = scalar.properties
        let invisible =
            properties.generalCategory == .control || properties.generalCategory == .format
            || properties.canonicalCombiningClass != .notReordered || properties.isWhitespace
            || properties.generalCategory == .nonspacingMark
        return invisible ? code : "“\(scalar)” (\(code))"
    }
}
