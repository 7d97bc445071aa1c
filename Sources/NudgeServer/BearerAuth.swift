import Hummingbird

/// `Authorization: Bearer <token>` on every `/v1` route; compared in constant time.
struct BearerAuth<Context: RequestContext>: RouterMiddleware {
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard Self.authorizes(request, token: token) else {
            throw APIError(.unauthorized, code: "unauthorized", message: "a valid bearer token is required")
        }
        return try await next(request, context)
    }

    /// Whether `request` carries `Authorization: Bearer <token>`.
    static func authorizes(_ request: Request, token: String) -> Bool {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        return equal(Array(header.dropFirst(7).utf8), Array(token.utf8))
    }

    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 1)
        }
        return difference == 0
    }
}
