import Foundation
import Hummingbird
import Logging
import NIOCore
import NudgeCore

/// The HTTP API of SPEC §11: ingest, profiles, products, recommendations, reports, health and readiness.
public struct API: Sendable {
    public var database: DatabaseQueue
    public var runtime: RuntimeState
    public var token: String
    /// The key that signs unsubscribe links (`/u/{token}`).
    public var unsubscribeSecret: String
    public var maxBodyBytes: Int
    /// The clock (injected for tests).
    public var now: @Sendable () -> Date
    /// Called after a commit that may have created due work: new enrollments or messages, or customers whose
    /// stage will change with time.
    public var newWork: @Sendable () -> Void
    /// Told how many events each `POST /v1/events` stored (for metrics).
    public var eventsStored: @Sendable (Int) -> Void = { _ in }
    /// Told of each dispatch log row the API wrote (delivery receipts), once committed (for metrics).
    public var logged: @Sendable (DispatchLogEntry) -> Void = { _ in }
    /// The Prometheus text for `GET /metrics` (no bearer token, like `/healthz`); nil serves no `/metrics`.
    public var metrics: (@Sendable () async throws -> String)?
    /// A read-only connection for reports, which may read for seconds; nil reads through `database`.
    public var reportDatabase: ReadQueue?

    public init(
        database: DatabaseQueue, runtime: RuntimeState, token: String, unsubscribeSecret: String, maxBodyBytes: Int,
        now: @escaping @Sendable () -> Date, newWork: @escaping @Sendable () -> Void
    ) {
        self.database = database
        self.runtime = runtime
        self.token = token
        self.unsubscribeSecret = unsubscribeSecret
        self.maxBodyBytes = maxBodyBytes
        self.now = now
        self.newWork = newWork
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: ErrorMiddleware())
        router.get("/healthz") { _, _ in JSONResponse.make(.ok, .map(["status": .string("ok")])) }
        router.get("/readyz") { _, _ in try await readiness() }
        if let metrics {
            router.get("/metrics") { _, _ in
                Response(
                    status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: try await metrics())))
            }
        }

        // One-click unsubscribe: the signed token is the authentication.
        router.get("u/:token") { _, context in unsubscribePage(token: try context.parameters.require("token")) }
        router.post("u/:token") { request, context in
            try await unsubscribe(request, token: try context.parameters.require("token"))
        }
        // Receipts authenticate themselves: the bearer token, or a signature gateways can carry in a callback URL.
        router.get("v1/receipts/:channel") { request, context in
            try await receipts(request, channelName: try context.parameters.require("channel"))
        }
        router.post("v1/receipts/:channel") { request, context in
            try await receipts(request, channelName: try context.parameters.require("channel"))
        }

        let v1 = router.group("v1").add(middleware: BearerAuth(token: token))
        v1.post("events") { request, _ in try await ingest(request) }
        v1.put("customers/:id") { request, context in
            try await putCustomer(request, id: try context.parameters.require("id"))
        }
        v1.get("customers/:id") { _, context in try await getCustomer(try context.parameters.require("id")) }
        v1.get("customers/:id/recommendations") { request, context in
            try await recommendations(request, customerID: try context.parameters.require("id"))
        }
        v1.put("products/:sku") { request, context in
            try await putProduct(request, sku: try context.parameters.require("sku"))
        }
        v1.get("campaigns") { _, _ in campaigns() }
        v1.get("reports") { request, _ in try await reports(request) }
        return router
    }

    func body(_ request: Request) async throws -> Data {
        guard !runtime.isStopping else {
            throw APIError(.serviceUnavailable, code: "shutting_down", message: "nudge is shutting down")
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: maxBodyBytes)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge, code: "body_too_large",
                message: "the request body is larger than max_body (\(maxBodyBytes) bytes): send smaller batches")
        }
    }

    // MARK: events

    func ingest(_ request: Request) async throws -> Response {
        let contentType = request.headers[.contentType]?.lowercased()
        if let contentType, !(contentType.hasPrefix("application/json") || contentType.hasPrefix("application/x-ndjson")
            || contentType.hasPrefix("application/jsonl") || contentType.hasPrefix("application/ndjson"))
        {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "send application/json (an event or an array) or application/x-ndjson")
        }
        let data = try await body(request)
        let now = self.now()
        let events: [Event]
        switch EventBatchParser.parse(data, contentType: contentType, now: now) {
        case .success(let parsed): events = parsed
        case .failure(let failure): throw APIError(failure)
        }
        let engine = runtime.engine
        let encoded = events.map(EncodedEvent.init)
        let summary = try await database.write { tx in try engine.ingest(encoded, into: tx, now: now) }
        if summary.stored > 0 { newWork() }
        eventsStored(summary.stored)
        return JSONResponse.make(
            .accepted,
            .map([
                "accepted": .number(Double(events.count)), "duplicates": .number(Double(summary.duplicates)),
                "enrolled": .number(Double(summary.enrollments)),
            ]))
    }

    // MARK: customers and products

    func putCustomer(_ request: Request, id: String) async throws -> Response {
        try Self.checkIdentifier(id, what: "customer id")
        let data = try await body(request)
        let now = self.now()
        let engine = runtime.engine
        let saved = try await database.write { tx -> Result<Customer, APIError> in
            let existing = try tx.customer(id)
            switch CustomerProfileParser.parse(data, id: id, existing: existing, now: now) {
            case .failure(let errors):
                return .failure(APIError(.badRequest, code: "invalid_customer", message: "the profile is not valid", details: errors))
            case .success(var customer):
                try engine.refresh(&customer, in: tx, now: now)
                return .success(customer)
            }
        }.get()
        newWork()
        return JSONResponse.make(.ok, CustomerJSON.profile(saved))
    }

    func getCustomer(_ id: String) async throws -> Response {
        let detail = try await database.read { tx -> Value? in
            guard let customer = try tx.customer(id) else { return nil }
            return CustomerJSON.detail(
                customer, history: try tx.stageHistory(customerID: id), enrollments: try tx.enrollments(customerID: id),
                dispatches: try tx.recentDispatches(customerID: id, limit: 50))
        }
        guard let detail else { throw APIError(.notFound, code: "not_found", message: "no customer '\(id)'") }
        return JSONResponse.make(.ok, detail)
    }

    func putProduct(_ request: Request, sku: String) async throws -> Response {
        try Self.checkIdentifier(sku, what: "SKU")
        let data = try await body(request)
        let saved = try await database.write { tx -> Result<Product, APIError> in
            switch ProductParser.parse(data, sku: sku, existing: try tx.product(sku)) {
            case .failure(let errors):
                return .failure(APIError(.badRequest, code: "invalid_product", message: "the product is not valid", details: errors))
            case .success(let product):
                try tx.saveProduct(product)
                return .success(product)
            }
        }.get()
        return JSONResponse.make(.ok, CustomerJSON.product(saved))
    }

    static func checkIdentifier(_ id: String, what: String) throws {
        guard !id.isEmpty, id.utf8.count <= 200, !id.contains(where: { $0.isNewline }) else {
            throw APIError(.badRequest, code: "invalid_id", message: "the \(what) must be 1–200 characters on one line")
        }
    }

    // MARK: status

    func readiness() async throws -> Response {
        let load = runtime.lastLoad
        let writable = (try? await database.write { _ in true }) ?? false
        let engine = runtime.engine
        var fields: [String: Value] = [
            "database": .string(writable ? "writable" : "unavailable"),
            "campaigns": .number(Double(engine.campaigns.campaigns.count)),
            "last_load": .map([
                "at": .time(load.at), "ok": .bool(load.succeeded), "diagnostics": .list(load.diagnostics.map(Value.string)),
            ]),
        ]
        let ready = writable && !runtime.isStopping
        fields["status"] = .string(ready ? (load.succeeded ? "ready" : "ready_with_reload_errors") : "not_ready")
        return JSONResponse.make(ready ? .ok : .serviceUnavailable, .map(fields))
    }

    func campaigns() -> Response {
        let engine = runtime.engine
        let load = runtime.lastLoad
        return JSONResponse.make(
            .ok,
            .map([
                "campaigns": .list(
                    engine.campaigns.campaigns.map {
                        .map([
                            "id": .string($0.id), "name": .string($0.name), "kind": .string($0.kind.rawValue),
                            "enabled": .bool($0.enabled), "steps": .list($0.steps.map { .string($0.id) }),
                        ])
                    }),
                "load_errors": .list(load.succeeded ? [] : load.diagnostics.map(Value.string)),
            ]))
    }
}

extension APIError {
    init(_ failure: EventBatchError) {
        switch failure {
        case .malformed(let message):
            self.init(.badRequest, code: "malformed_body", message: message)
        case .invalidRecords(let errors):
            self.init(
                .badRequest, code: "invalid_events",
                message: "\(Set(errors.map(\.index)).count) record(s) are not valid; nothing was stored", details: errors)
        }
    }
}
