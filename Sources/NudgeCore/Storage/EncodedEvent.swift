/// An event with its properties already written as stored JSON. Ingest encodes events before it takes the
/// database's writer, so the single writer thread spends its time on SQL rather than on JSON.
public struct EncodedEvent: Sendable {
    public let event: Event
    /// `event.properties` as `StoredJSON` text (times tagged).
    public let propertiesJSON: String

    public init(_ event: Event) {
        self.event = event
        self.propertiesJSON = StoredJSON.encode(event.properties)
    }
}
