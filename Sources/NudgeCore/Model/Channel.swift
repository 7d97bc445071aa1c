/// A delivery channel a step can use.
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case email, sms, push

    public static func < (a: Channel, b: Channel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
