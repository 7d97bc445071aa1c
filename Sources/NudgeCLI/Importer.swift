import Foundation
import NudgeCore

/// What one import did.
struct ImportTally: Equatable {
    /// Records read from the file (bad ones included).
    var read = 0
    /// Records written: new events, customers and products created or changed.
    var stored = 0
    /// Records already there as they are: events with a known id, customers and products that would not change.
    var duplicates = 0
    /// Bad records, reported and not stored.
    var skipped = 0
}

/// A bad record: where it is in the file and everything wrong with it.
struct ImportProblem: Error {
    var location: Int
    var errors: [RecordError]
}

/// Streams records from a source into the store, `batchSize` records to a transaction, through the same rules as
/// the API: events through `JourneyEngine.ingest` (facts, stages, enrollments), customers through the profile
/// parser and a stage refresh, products through the product parser.
struct Importer {
    let kind: ImportKind
    let store: any Store
    let engine: JourneyEngine
    let batchSize: Int
    var now: () -> Date = { Date() }
    /// Told about each bad record as it is found.
    var problem: (ImportProblem) -> Void = { _ in }
    /// Told after each batch: the tally so far and the bytes read.
    var progress: (ImportTally, Int) -> Void = { _, _ in }

    private enum Pending {
        case event(EncodedEvent)
        case keyed(location: Int, key: String, object: [String: Value])
    }

    /// Reads every record and stores the good ones.
    func run(_ source: inout some ImportSource) throws -> ImportTally {
        var tally = ImportTally()
        var batch: [Pending] = []
        batch.reserveCapacity(batchSize)
        while let record = try source.next() {
            tally.read += 1
            switch prepare(record) {
            case .failure(let bad):
                tally.skipped += 1
                problem(bad)
            case .success(let pending):
                batch.append(pending)
            }
            if batch.count >= batchSize {
                try flush(batch, into: &tally)
                batch.removeAll(keepingCapacity: true)
                progress(tally, source.bytesRead)
            }
        }
        if !batch.isEmpty { try flush(batch, into: &tally) }
        progress(tally, source.bytesRead)
        return tally
    }

    /// Checks every record and stores nothing (`--strict` looks before it writes). Products are checked against
    /// the catalog as stored, and against those the file itself creates.
    func check(_ source: inout some ImportSource) throws -> ImportTally {
        var tally = ImportTally()
        var created: Set<String> = []
        while let record = try source.next() {
            tally.read += 1
            var errors: [RecordError] = []
            switch prepare(record) {
            case .failure(let bad): errors = bad.errors
            case .success(.event): break
            case .success(.keyed(_, let key, let object)):
                switch kind {
                case .customers:
                    if case .failure(let found) = ImportRecords.customer(object, id: key, existing: nil, now: now()) {
                        errors = found
                    }
                case .products:
                    var stored: Product?
                    if !created.contains(key) { stored = try store.read { try $0.product(key) } }
                    let existing = stored ?? (created.contains(key) ? Product(sku: key, name: "", price: 0) : nil)
                    switch ImportRecords.product(object, sku: key, existing: existing) {
                    case .failure(let found): errors = found
                    case .success: if stored == nil { created.insert(key) }
                    }
                case .events: break
                }
            }
            if !errors.isEmpty {
                tally.skipped += 1
                problem(ImportProblem(location: record.location, errors: errors))
            }
            if tally.read % batchSize == 0 { progress(tally, source.bytesRead) }
        }
        progress(tally, source.bytesRead)
        return tally
    }

    /// The record ready for its batch, or its problems. Events are validated (and encoded) here, outside the
    /// write transaction; customers and products need the stored row, so they are validated inside it.
    private func prepare(_ record: ImportRecord) -> Result<Pending, ImportProblem> {
        let object: [String: Value]
        switch record.object {
        case .failure(let errors): return .failure(ImportProblem(location: record.location, errors: errors))
        case .success(let read): object = read
        }
        switch kind {
        case .events:
            switch ImportRecords.event(object, now: now()) {
            case .failure(let errors): return .failure(ImportProblem(location: record.location, errors: errors))
            case .success(let event): return .success(.event(EncodedEvent(event)))
            }
        case .customers, .products:
            switch ImportRecords.key(object, kind: kind) {
            case .failure(let errors): return .failure(ImportProblem(location: record.location, errors: errors))
            case .success(let key): return .success(.keyed(location: record.location, key: key, object: object))
            }
        }
    }

    /// Writes one batch in one transaction; bad customers and products found there are reported after the commit.
    private func flush(_ batch: [Pending], into tally: inout ImportTally) throws {
        let moment = now()
        let (written, unchanged, bad) = try store.write { tx -> (Int, Int, [ImportProblem]) in
            var events: [EncodedEvent] = []
            var written = 0
            var unchanged = 0
            var bad: [ImportProblem] = []
            for pending in batch {
                switch pending {
                case .event(let event): events.append(event)
                case .keyed(let location, let key, let object):
                    switch try upsert(object, key: key, in: tx, now: moment) {
                    case .failure(let errors): bad.append(ImportProblem(location: location, errors: errors))
                    case .success(true): written += 1
                    case .success(false): unchanged += 1
                    }
                }
            }
            if !events.isEmpty {
                let summary = try engine.ingest(events, into: tx, now: moment)
                written += summary.stored
                unchanged += summary.duplicates
            }
            return (written, unchanged, bad)
        }
        tally.stored += written
        tally.duplicates += unchanged
        tally.skipped += bad.count
        for item in bad { problem(item) }
    }

    /// Upserts one customer or product; true when something changed.
    private func upsert(
        _ object: [String: Value], key: String, in tx: any StoreTransaction, now: Date
    ) throws -> Result<Bool, [RecordError]> {
        switch kind {
        case .customers:
            let existing = try tx.customer(key)
            switch ImportRecords.customer(object, id: key, existing: existing, now: now) {
            case .failure(let errors): return .failure(errors)
            case .success(var customer):
                if ImportRecords.isUnchanged(customer, from: existing) { return .success(false) }
                try engine.refresh(&customer, in: tx, now: now)
                return .success(true)
            }
        case .products:
            let existing = try tx.product(key)
            switch ImportRecords.product(object, sku: key, existing: existing) {
            case .failure(let errors): return .failure(errors)
            case .success(let product):
                if product == existing { return .success(false) }
                try tx.saveProduct(product)
                return .success(true)
            }
        case .events:
            return .success(false)
        }
    }
}
