extension Customer {
    /// Whether the customer has somewhere to send `channel` to: a non-empty email, a non-empty phone number, or at
    /// least one push token. Without one a step is suppressed as `invalid_address`.
    public func hasAddress(for channel: Channel) -> Bool {
        switch channel {
        case .email: return !(email ?? "").isEmpty
        case .sms: return !(phone ?? "").isEmpty
        case .push: return !pushTokens.isEmpty
        }
    }
}
